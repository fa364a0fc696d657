/**
 * The core wired to its stores: the ticket repository and change feed, the use cases, and the
 * feed handlers that follow the feed (audit, projection, feedback). The server composes this
 * with HTTP; the benchmarks compose it alone, so they measure exactly what the service runs.
 */
import type { Connection } from 'mongoose';
import type { Classifier } from '../domain/classification';
import { ComplaintService } from '../domain/complaint-service';
import { auditHandler, feedbackHandler, projectionHandler, repairFilings } from '../domain/effects';
import { StoreOverloadedError } from '../domain/errors';
import { localYear } from '../domain/file-complaint';
import type { ChangeObserver, Clock, ConversationRecords, CoreLogger, SlaPlanner } from '../domain/ports';
import { FeedWorker } from '../jobs/feed-worker';
import { MongoAuditLog } from '../store/audit-log';
import { MongoCursorStore } from '../store/mongo-change-feed';
import { MongoLease } from '../store/mongo-lease';
import { MongoFeedbackStore } from '../store/mongo-feedback';
import { MongoIdempotencyStore } from '../store/mongo-idempotency';
import { MongoLookupGuard } from '../store/mongo-lookup-guard';
import { MongoMessageStore } from '../store/mongo-messages';
import { MongoTicketRepository } from '../store/mongo-ticket-repository';
import { MongoDueIndex } from '../store/mongo-due-index';
import { MongoOverdueList } from '../store/mongo-overdue-list';
import { MongoCustomerIndex } from '../store/mongo-customer-index';
import { customerIndexHandler } from '../domain/customer-index';
import { RETENTION_DUE_KIND, retentionScheduleHandler } from '../domain/personal-data';
import { DueScanner, type DueHandler } from '../jobs/due-scanner';
import { SLA_DUE_KIND, slaScheduleHandler } from '../domain/check-deadlines';
import { DEFAULT_FOLLOW_UP, followUpScheduleHandler, RETURN_VISIT_DUE_KIND, SURVEY_DUE_KIND, type FollowUpSettings } from '../domain/follow-up';
import { MongoReportStore } from '../store/mongo-report-store';
import { REPORT_CURSOR, ReportCounters } from '../reports/report-counters';
import { ReportService } from '../reports/report-service';
import { SpikeWatch, type SpikeSettings } from '../reports/spikes';
import type { AlertSink } from '../reports/ports';

const DEFAULT_SPIKE = { factor: 3, minCount: 10, baselineDays: 28 };

export interface CoreSettings {
  timeZone: string;
  confidenceThreshold: number;
  recurrenceWindowDays: number;
  /** Keys the hashes of contacts and the digests of personal values. */
  contactHashSecret: string;
  auditSecret?: string | undefined;
  lookupMaxFailures: number;
  lookupLast4FreeFailures: number;
  writeQueueLimit: number;
  /** How often feed handlers look for changes committed by other instances (ms). */
  feedIntervalMs?: number;
  maxTicketSeq?: number | undefined;
  onNumbersExhausted?: (year: number) => void;
  /** Suggest flagging a contact as malicious once this many of their complaints were rejected (0: never). */
  maliciousSuggestAfter?: number;
  /** Days after closing when a ticket is anonymised (0: never). */
  retentionClosedDays?: number;
  /** Spike alerts (seed 001): factor over the baseline, minimum count, baseline days (defaults as in the config schema). */
  spike?: Omit<SpikeSettings, 'timeZone'>;
  /** Surveys, appeals and return visits (src/domain/follow-up.ts); the salt defaults to the contact hash secret. */
  followUp?: Omit<FollowUpSettings, 'salt'>;
}

export interface Core {
  complaints: ComplaintService;
  repository: MongoTicketRepository;
  cursors: MongoCursorStore;
  worker: FeedWorker;
  /** The durable scheduler: what is due when, by `_id` (per-minute buckets). */
  due: MongoDueIndex;
  /** Walks the due index and hands due items to their handlers (SLA checks; more kinds can be added with `handle`). */
  scanner: DueScanner;
  /** Add the handler of a kind of due item (before the scanner first runs). */
  handleDue(kind: string, handler: DueHandler): void;
  /** Reporting: the counters (a feed handler with its own cursor and worker), their queries, spike alerts. */
  reports: { counters: ReportCounters; worker: FeedWorker; service: ReportService; spikes: SpikeWatch; store: MongoReportStore; lease: MongoLease };
  /** Announce filings a crashed writer left out of the feed (this year's and last year's numbers). */
  repairFilings(graceMs?: number): Promise<number>;
  /** Be told after every commit (other followers of the feed, e.g. the delivery workers, wake up). */
  onCommit(listener: () => void): void;
}

export function composeCore(
  conn: Connection,
  settings: CoreSettings,
  parts: { classifier: Classifier; sla: SlaPlanner; clock: Clock; logger: CoreLogger; observer?: ChangeObserver; alertSinks?: AlertSink[]; conversations?: ConversationRecords },
): Core {
  const overloaded = () => new StoreOverloadedError();
  const repository = new MongoTicketRepository(conn, {
    personalKey: settings.contactHashSecret,
    maxSeq: settings.maxTicketSeq,
    maxPending: settings.writeQueueLimit,
    overloaded,
    onNumbersExhausted: settings.onNumbersExhausted,
  });
  const cursors = new MongoCursorStore(conn);
  const feed = repository.feed;
  const audit = new MongoAuditLog(conn, settings.auditSecret, { maxPending: settings.writeQueueLimit, overloaded });
  const due = new MongoDueIndex(conn, 'due');
  const followUp: FollowUpSettings = { ...DEFAULT_FOLLOW_UP, ...settings.followUp, salt: settings.contactHashSecret };
  const customers = new MongoCustomerIndex(conn);
  const closedDays = settings.retentionClosedDays ?? 0;
  const handlers = [auditHandler(audit, feed), projectionHandler(repository), feedbackHandler(new MongoFeedbackStore(conn)), slaScheduleHandler(due, new MongoOverdueList(conn), feed), customerIndexHandler(customers), followUpScheduleHandler(due, followUp)];
  if (closedDays > 0) handlers.push(retentionScheduleHandler(due, closedDays));
  const worker = new FeedWorker(feed, cursors, handlers, parts.logger, {
    intervalMs: settings.feedIntervalMs ?? 2000,
    lease: new MongoLease(conn, 'feed-worker'),
  });
  const reportStore = new MongoReportStore(conn);
  const spikes = new SpikeWatch({ store: reportStore, clock: parts.clock, logger: parts.logger, sinks: parts.alertSinks ?? [], settings: { ...(settings.spike ?? DEFAULT_SPIKE), timeZone: settings.timeZone } });
  const reportLease = new MongoLease(conn, 'report-worker');
  const counters = new ReportCounters({ store: reportStore, feed, cursors, clock: parts.clock, logger: parts.logger, timeZone: settings.timeZone, spikes, keepAlive: () => reportLease.tryAcquire() });
  const reportWorker = new FeedWorker(feed, cursors, [counters], parts.logger, { intervalMs: settings.feedIntervalMs ?? 2000, lease: reportLease }, REPORT_CURSOR);
  const reports = { counters, worker: reportWorker, service: new ReportService(reportStore, { clock: parts.clock, timeZone: settings.timeZone }), spikes, store: reportStore, lease: reportLease };
  const { alertSinks: _sinks, ...coreParts } = parts;
  const commitListeners: Array<() => void> = [];
  const complaints = new ComplaintService(
    {
      tickets: repository,
      feed,
      idempotency: new MongoIdempotencyStore(conn),
      lookupGuard: new MongoLookupGuard(conn, { clientMaxFailures: settings.lookupMaxFailures, ticketFreeFailures: settings.lookupLast4FreeFailures }),
      messages: new MongoMessageStore(conn),
      audit,
      customers,
      ...coreParts,
      onCommitted: () => {
        worker.kick();
        reportWorker.kick();
        for (const listener of commitListeners) listener();
      },
    },
    {
      timeZone: settings.timeZone,
      confidenceThreshold: settings.confidenceThreshold,
      recurrenceWindowDays: settings.recurrenceWindowDays,
      contactHashSecret: settings.contactHashSecret,
      maxPending: settings.writeQueueLimit,
      maliciousSuggestAfter: settings.maliciousSuggestAfter ?? 0,
      retentionClosedDays: closedDays,
      followUp,
    },
  );
  const repair = (graceMs?: number) => {
    const year = localYear(parts.clock.now(), settings.timeZone);
    return repairFilings({ feed, tickets: repository, cursors, clock: parts.clock }, [year - 1, year], graceMs);
  };
  const dueHandlers: Record<string, DueHandler> = {
    [SLA_DUE_KIND]: async (item) => void (await complaints.checkDeadlines(item.ref, item.at)),
    // Retention: a closed ticket's anonymisation day has come (looked at again later when it is not due yet).
    [RETENTION_DUE_KIND]: async (item, now) => {
      const r = await complaints.anonymiseIfDue(item.ref, now);
      if (r.retryAt) await due.add([{ kind: RETENTION_DUE_KIND, ref: item.ref, at: r.retryAt }]);
    },
    [SURVEY_DUE_KIND]: async (item) => void (await complaints.surveyTimeout(item.ref, Number(item.data?.round))),
    [RETURN_VISIT_DUE_KIND]: async (item) =>
      void (await complaints.returnVisitDue(item.ref, Number(item.data?.closedVersion), item.data?.reason === 'major' ? 'major' : 'random', item.at)),
  };
  const scanner = new DueScanner(due, dueHandlers, parts.clock, parts.logger, { lease: new MongoLease(conn, 'due-scanner') });
  return {
    complaints,
    repository,
    cursors,
    worker,
    reports,
    due,
    scanner,
    handleDue: (kind, handler) => void (dueHandlers[kind] = handler),
    repairFilings: repair,
    onCommit: (listener) => void commitListeners.push(listener),
  };
}
