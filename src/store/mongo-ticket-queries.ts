/**
 * TicketQueries on MongoDB/FerretDB. Correctness first: on FerretDB 1.x none of these filters is
 * pushed down (only `{_id: x}` is), so each query reads the whole tickets collection in Go
 * (measured ~11 µs a document: about 0.1 s at 10,000 tickets, 1 s at 100,000). On MongoDB the
 * indexes declared on tickets serve `openOwnedBy` (owner.id, status) and `stats` (createdAt).
 * The Slack edge runs these after acknowledging, so a slow answer is late, never lost.
 * `overdue` reads the overdue list the SLA scanner keeps (`sla_overdue`, by `_id`) and checks
 * each listed ticket by number, so it costs what is overdue, not what is stored; `stats` is
 * answered by the reporting counters (src/reports).
 */
import type { Connection } from 'mongoose';
import { OPEN_STATUSES, type TicketStatus } from '../domain/state-machine';
import type { TicketQueries, TicketSummary } from '../domain/ticket-queries';
import { nextDue } from '../domain/ticket-queries';
import type { DeadlineKind } from '../domain/ticket';
import { ticketModel, type TicketModel } from './models/ticket-model';
import { translateStoreError } from './mongo-errors';
import { MongoOverdueList } from './mongo-overdue-list';

const SUMMARY_FIELDS = { _id: 1, status: 1, category: 1, severity: 1, 'flags.highRisk': 1, channel: 1, owner: 1, 'sla.escalationTier': 1, 'sla.deadlines': 1, createdAt: 1, updatedAt: 1, product: 1 };

interface SummaryDoc {
  _id: string;
  status: TicketStatus;
  category: TicketSummary['category'];
  severity: TicketSummary['severity'];
  flags?: { highRisk?: boolean };
  channel: TicketSummary['channel'];
  owner?: { id: string; name?: string | null } | null;
  sla?: { escalationTier?: number; deadlines?: Array<{ kind: DeadlineKind; dueAt?: Date | null; metAt?: Date | null }> };
  createdAt: Date;
  updatedAt: Date;
  product?: string | null;
}

export class MongoTicketQueries implements TicketQueries {
  private readonly tickets: TicketModel;
  private readonly overdueList: MongoOverdueList;

  constructor(conn: Connection) {
    this.tickets = ticketModel(conn);
    this.overdueList = new MongoOverdueList(conn);
  }

  async openOwnedBy(ownerId: string, limit: number): Promise<TicketSummary[]> {
    const docs = await this.find({ 'owner.id': ownerId, status: { $in: [...OPEN_STATUSES] } });
    return docs.map(toSummary).sort(byUrgency).slice(0, limit);
  }

  async overdue(now: Date, limit: number): Promise<TicketSummary[]> {
    // The SLA scanner lists every ticket it marks overdue; each is checked by number here (still
    // open, a deadline still unmet and past), and the others leave the list.
    const found = new Map<string, TicketSummary>();
    await this.overdueList.list(async (numbers) => {
      for (const n of numbers) {
        const doc = await this.findOne(n);
        const t = doc ? toSummary(doc) : null;
        if (t && OPEN_STATUSES.includes(t.status) && (nextDue(t)?.getTime() ?? Infinity) < now.getTime()) found.set(n, t);
      }
      return new Set(found.keys());
    });
    return [...found.values()].sort(byUrgency).slice(0, limit);
  }

  private async findOne(number: string): Promise<SummaryDoc | null> {
    try {
      return await this.tickets.findOne({ _id: number }, SUMMARY_FIELDS).lean<SummaryDoc>();
    } catch (err) {
      return translateStoreError(err);
    }
  }

  async search(words: string[], limit: number): Promise<TicketSummary[]> {
    const terms = words.map((w) => w.trim()).filter(Boolean).slice(0, 5);
    if (!terms.length) return [];
    const fields = ['_id', 'product', 'merchant', 'personal.orderId', 'personal.description'];
    const filter = { $and: terms.map((t) => ({ $or: fields.map((f) => ({ [f]: { $regex: escapeRegex(t), $options: 'i' } })) })) };
    const docs = await this.find(filter);
    return docs
      .map(toSummary)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .slice(0, limit);
  }

  private async find(filter: Record<string, unknown>): Promise<SummaryDoc[]> {
    try {
      return await this.tickets.find(filter, SUMMARY_FIELDS).lean<SummaryDoc[]>();
    } catch (err) {
      return translateStoreError(err);
    }
  }
}

function toSummary(d: SummaryDoc): TicketSummary {
  const deadlines = (d.sla?.deadlines ?? [])
    .filter((x) => !x.metAt)
    .map((x) => ({ kind: x.kind, dueAt: x.dueAt ? new Date(x.dueAt) : null }))
    .sort((a, b) => (a.dueAt?.getTime() ?? Infinity) - (b.dueAt?.getTime() ?? Infinity));
  return {
    number: String(d._id),
    status: d.status,
    category: d.category,
    severity: d.severity,
    highRisk: d.flags?.highRisk ?? false,
    channel: d.channel,
    owner: d.owner ? { id: d.owner.id, name: d.owner.name ?? null } : null,
    escalationTier: d.sla?.escalationTier ?? 0,
    createdAt: new Date(d.createdAt),
    updatedAt: new Date(d.updatedAt),
    openDeadlines: deadlines,
    product: d.product ?? null,
  };
}

function byUrgency(a: TicketSummary, b: TicketSummary): number {
  return (nextDue(a)?.getTime() ?? Infinity) - (nextDue(b)?.getTime() ?? Infinity) || a.number.localeCompare(b.number);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
