/**
 * Everything customers talk to, composed for the server's composition root: the bot (dialogs over
 * the ComplaintService port, state in the database), Bot Framework at /api/messages, the
 * self-hosted Direct Line with its websocket, the widget, evidence storage, and the
 * CustomerChannels through which the core's delivery worker reaches customers again.
 */
import type http from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import type { Express } from 'express';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Storage } from 'botbuilder';
import { OptimisticConversationState } from './state/optimistic-conversation-state';
import type { Config } from '../src/config/schema';
import type { ComplaintService } from '../src/domain/complaint-service';
import type { Taxonomy } from '../src/domain/taxonomy-config';
import type { Clock } from '../src/domain/ports';
import type { DialogDeps } from '../dialogs/ports';
import { inScript } from '../dialogs/language';
import { ComplaintBot } from './botframework/complaint-bot';
import { BotFrameworkCustomerChannel, botFrameworkRouter, createCloudAdapter } from './botframework/bot-framework-channel';
import { MongoBotStorage } from './state/mongo-bot-storage';
import { ServiceComplaintDesk } from './core/service-complaint-desk';
import { GridFsEvidenceStore } from './evidence/gridfs-evidence-store';
import { FolderEvidenceStore } from './evidence/folder-evidence-store';
import { StoredEvidenceIntake } from './evidence/evidence-intake';
import type { EvidenceStore } from './evidence/evidence-store';
import { DirectLineStore } from './directline/activity-store';
import { DirectLineAdapter } from './directline/directline-adapter';
import { directLineRouter } from './directline/directline-router';
import { DirectLineStreams } from './directline/stream';
import { TokenSigner } from './directline/tokens';
import { DirectLineCustomerChannel } from './directline/directline-customer-channel';
import { widgetRouter } from './widget/widget-router';
import type { CustomerChannel } from './customer-channel';
import { ChatRecords } from './chat-records';
import { createWeChatEdge, type WeChatEdge, type WeChatOptions } from './wechat';

export interface CustomerEdgesDeps {
  config: Config;
  logger: Logger;
  conn: Connection;
  complaints: ComplaintService;
  taxonomy: Taxonomy;
  clock: Clock;
}

export interface CustomerEdgesOptions {
  /** Conversation state storage; default: the database (MongoBotStorage). The benchmark compares with botbuilder's MemoryStorage. */
  botStorage?: Storage;
  /** WeChat channel timings (tests shorten the reply budget). */
  wechat?: WeChatOptions;
}

export interface CustomerEdges {
  mount(app: Express): void;
  /** Route websocket upgrades (the Direct Line stream); false if the path is not ours. */
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** One per customer channel, for the core's delivery worker. */
  channels: CustomerChannel[];
  evidence: EvidenceStore;
  streams: DirectLineStreams;
  /** The WeChat Official Account channel, or null when WECHAT_* are not set. */
  wechat: WeChatEdge | null;
  /** Retention of the edges' own records (WeChat's message claims). */
  trim(before: Date): Promise<Record<string, number>>;
  /** A conversation's transcript, dialog state and channel records, erased with its customer (through these edges' stores). */
  records: ChatRecords;
  close(): Promise<void>;
  /** Work the edges do after answering (WeChat records a message after its answer), finished. */
  settled(): Promise<void>;
}

export function createCustomerEdges(deps: CustomerEdgesDeps, options: CustomerEdgesOptions = {}): CustomerEdges {
  const { config, logger, conn, complaints, taxonomy, clock } = deps;
  const evidence: EvidenceStore = config.EVIDENCE_STORE === 'folder' ? new FolderEvidenceStore(path.resolve(config.EVIDENCE_DIR)) : new GridFsEvidenceStore(conn);
  const limits = { maxBytes: Math.round(config.EVIDENCE_MAX_MB * 1024 * 1024), types: config.EVIDENCE_TYPES };
  const dialogDeps: DialogDeps = {
    desk: new ServiceComplaintDesk(complaints),
    evidence: new StoredEvidenceIntake(evidence, limits),
    settings: {
      timeZone: config.SLA_TIMEZONE,
      defaultCurrency: config.BOT_DEFAULT_CURRENCY,
      maxMessageChars: config.BOT_MAX_MESSAGE_CHARS,
      maxEvidenceMb: config.EVIDENCE_MAX_MB,
      categoryLabel: (c, lang) => (lang === 'en' ? taxonomy.categories[c].en : inScript(taxonomy.categories[c].zh, lang)),
      now: () => clock.now(),
    },
  };
  // The bot saves every turn with the eTag it loaded, so it may read from the instance's cache (see MongoBotStorage).
  const storage = options.botStorage ?? new MongoBotStorage(conn, { trustCache: true });
  const bot = new ComplaintBot(new OptimisticConversationState(storage), dialogDeps, logger.child({ component: 'bot' }));
  const run = (context: Parameters<ComplaintBot['run']>[0]) => bot.run(context);

  const bfSettings = {
    MicrosoftAppId: config.MicrosoftAppId,
    MicrosoftAppPassword: config.MicrosoftAppPassword,
    MicrosoftAppType: config.MicrosoftAppType,
    MicrosoftAppTenantId: config.MicrosoftAppTenantId,
    bodyLimit: config.BOT_BODY_LIMIT,
    production: config.NODE_ENV === 'production',
  };
  if (bfSettings.production && !config.MicrosoftAppId) logger.warn('MicrosoftAppId is not set: /api/messages is closed in production (Bot Framework needs an app id and password)');
  if (config.NODE_ENV === 'production' && config.WIDGET_ALLOWED_ORIGINS.every((o) => /localhost|127\.0\.0\.1/.test(o))) {
    logger.warn('WIDGET_ALLOWED_ORIGINS lists only localhost: set the origins of the sites that embed the widget');
  }
  const cloudAdapter = createCloudAdapter(bfSettings, logger);

  let signer: Promise<TokenSigner> | null = null;
  const getSigner = () => {
    signer ??= config.DIRECTLINE_SECRET ? Promise.resolve(TokenSigner.fromSecret(config.DIRECTLINE_SECRET)) : TokenSigner.fromDatabase(conn);
    signer.catch(() => (signer = null));
    return signer;
  };
  const dlStore = new DirectLineStore(conn);
  const dlAdapter = new DirectLineAdapter(dlStore);
  dlAdapter.onTurnError = async (context, err) => logger.error({ err, channel: context.activity.channelId }, 'direct line turn failed');
  const streams = new DirectLineStreams(dlStore, dlAdapter, getSigner, logger.child({ component: 'directline' }));

  const wechat = createWeChatEdge({ config, logger, conn, evidence, limits, run }, options.wechat);
  if (!wechat) logger.info('WeChat is off: set WECHAT_TOKEN, WECHAT_APP_ID and WECHAT_APP_SECRET to take complaints from a WeChat Official Account');
  else logger.info({ safeMode: !!config.WECHAT_ENCODING_AES_KEY, templates: { result: !!config.WECHAT_TEMPLATE_RESULT, survey: !!config.WECHAT_TEMPLATE_SURVEY } }, 'WeChat Official Account channel on at POST /wechat');

  const channels: CustomerChannel[] = [
    new BotFrameworkCustomerChannel(cloudAdapter, config.MicrosoftAppId ?? ''),
    // A customer silent for longer than a token lives has most likely closed the chat.
    new DirectLineCustomerChannel('directline', dlAdapter, { store: dlStore, idleMs: config.DIRECTLINE_TOKEN_TTL_SECONDS * 1000 }),
    new DirectLineCustomerChannel('webchat', dlAdapter, { store: dlStore, idleMs: config.DIRECTLINE_TOKEN_TTL_SECONDS * 1000 }),
    ...(wechat ? [wechat.channel] : []),
  ];

  return {
    mount(app) {
      app.use(botFrameworkRouter(cloudAdapter, run, bfSettings));
      app.use(
        directLineRouter({
          store: dlStore,
          adapter: dlAdapter,
          signer: getSigner,
          evidenceStore: evidence,
          run,
          settings: {
            secret: config.DIRECTLINE_SECRET,
            tokenTtlSeconds: config.DIRECTLINE_TOKEN_TTL_SECONDS,
            rateLimitPerMinute: config.DIRECTLINE_RATE_LIMIT,
            maxActivityBytes: config.DIRECTLINE_MAX_ACTIVITY_BYTES,
            evidence: limits,
          },
          logger: logger.child({ component: 'directline' }),
        }),
      );
      app.use(widgetRouter(getSigner, { allowedOrigins: config.WIDGET_ALLOWED_ORIGINS, tokenTtlSeconds: config.DIRECTLINE_TOKEN_TTL_SECONDS }));
      wechat?.mount(app);
    },
    handleUpgrade: (req, socket, head) => streams.handleUpgrade(req, socket, head),
    channels,
    evidence,
    streams,
    wechat,
    records: new ChatRecords(conn, { state: storage instanceof MongoBotStorage ? storage : undefined, directLine: dlStore }),
    trim: async (before): Promise<Record<string, number>> => (wechat ? { wechatInbound: await wechat.trim(before) } : {}),
    close: () => streams.close(),
    settled: async () => {
      await wechat?.settled();
    },
  };
}
