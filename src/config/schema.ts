/**
 * Every setting the service reads, with its description and default. `loadConfig()` validates
 * the environment against this once at start; nothing else reads process.env.
 * `.env.example` documents the same keys (a test keeps the two in step).
 */
import { z } from 'zod';
import { parseApiKeys, type ApiKeyEntry } from './api-keys';
import { parseNotifyHours, parseWarningPoints } from '../sla/warning-points';

const checked = (parse: (v: string) => unknown) =>
  z.string().superRefine((v, ctx) => {
    try {
      parse(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });

const slackIds = z.string().transform((v, ctx) => {
  const ids = v.split(',').map((x) => x.trim()).filter(Boolean);
  const bad = ids.filter((x) => !/^[UWS][A-Z0-9]{2,}$/.test(x));
  if (bad.length) ctx.addIssue({ code: 'custom', message: `not a user ID (U…/W…) or user-group ID (S…): ${bad.join(', ')}` });
  return ids;
});
import { parseTemplateSetting, type TemplateSetting } from './wechat-template';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = (what: string) =>
  z.coerce
    .number({ message: `${what} must be a number` })
    .int({ message: `${what} must be a whole number` })
    .min(0, { message: `${what} must be between 0 and 65535` })
    .max(65535, { message: `${what} must be between 0 and 65535` });

const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** Slack conversation IDs: public (C) and private (G) channels. */
const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;

export interface SettingDoc {
  description: string;
  example?: string;
}

/** Descriptions for .env.example and the README table (kept next to the schema). */
export const SETTINGS: Record<string, SettingDoc> = {
  NODE_ENV: { description: 'development, production or test' },
  PORT: { description: 'HTTP port of the service (0 picks a free one)' },
  HOST: { description: 'Interface to listen on' },
  LOG_LEVEL: { description: 'fatal, error, warn, info, debug, trace or silent' },
  MONGODB_URI: {
    description: 'MongoDB connection string; when empty the embedded FerretDB database is started',
    example: 'mongodb://127.0.0.1:27017/complaints?replicaSet=rs0',
  },
  MONGODB_DB: { description: 'Database name; default: the one named in MONGODB_URI, else complaints', example: 'complaints' },
  DATA_DIR: { description: 'Folder of the embedded database files' },
  EMBEDDED_DB_PORT: { description: 'Port of the embedded database (0 picks a free one)' },
  DB_TIMEOUT_MS: { description: 'How long a request waits for the database before answering 503' },
  API_BODY_LIMIT: { description: 'Largest accepted JSON body (e.g. 64kb, 1mb)' },
  TRUST_PROXY: { description: 'Behind one reverse proxy: take the client address from the X-Forwarded-For it adds (rate limits and lookup limits count per client)' },
  SLA_PRESET: { description: 'SLA policy preset: service, telecom or ecommerce' },
  SLA_POLICY_FILE: { description: 'JSON file with overrides of the chosen preset', example: './sla-policy.json' },
  SLA_TIMEZONE: { description: 'IANA time zone of working days and business hours' },
  SLA_CALENDAR_REGION: { description: 'Holiday calendar region (files <REGION>-<YEAR>.json)' },
  SLA_CALENDAR_DIR: { description: 'Extra folder of holiday calendar files (added to the shipped ones)', example: './calendars' },
  SLA_BUSINESS_HOURS: { description: 'Optional business hours, HH:MM-HH:MM; empty means whole working days', example: '09:00-18:00' },
  SLA_WARNING_POINTS: { description: 'Red flags before each deadline: shares of the window (80%) and leads before it (1h, 30m), in the deadline\'s own time (working time for working-day budgets)' },
  SLA_NOTIFY_HOURS: { description: 'Local hours (on working days) in which warnings of working-time deadlines are given; a warning outside them moves inside (default: the business hours, else 09:00-18:00)' },
  SLA_SCAN_INTERVAL_SECONDS: { description: 'How often the scheduler looks for due work (warnings, overdue tickets, follow-up)' },
  SURVEY_AUTO: { description: "Send the satisfaction survey when a ticket is resolved (false: the ticket's owner or a supervisor sends it with /complaints survey NUMBER, which also sends it again)" },
  SURVEY_TIMEOUT_DAYS: { description: 'Days the customer has to rate; no answer by then closes the ticket without rating' },
  APPEAL_DAYS: { description: 'Days after closing within which the customer may still appeal (reply "not satisfied")' },
  RETURN_VISIT_RATE: { description: 'Share of closed tickets (0–1) that get a return visit; every major one does' },
  RETURN_VISIT_DAYS: { description: 'Days after closing that a return visit falls due (posted to Slack for an agent to claim)' },
  SMTP_URL: { description: 'SMTP server for result notices by e-mail when the chat can no longer reach the customer (smtp://user:pass@host:587, smtps://…)', example: 'smtps://desk%40example.com:secret@smtp.example.com:465' },
  SMTP_FROM: { description: 'Sender address of notice e-mails', example: 'Complaint desk <desk@example.com>' },
  NOTICE_WEBHOOK_URL: { description: 'Where notices and survey requests of complaints filed through the REST API go (the filing system delivers them by phone or SMS)', example: 'https://hotline.example.com/complaint-desk/notices' },
  NOTICE_WEBHOOK_SECRET: { description: 'Key of the HMAC-SHA256 signature of webhook requests (X-Complaint-Desk-Signature); required with NOTICE_WEBHOOK_URL', example: 'change-me-to-32-random-characters' },
  TAXONOMY_FILE: { description: 'Optional JSON file renaming/describing categories and severities (zh, en)', example: './taxonomy.json' },
  CLASSIFIER: { description: 'model (trained model in CLASSIFIER_MODEL_DIR) or keyword (simple keyword baseline)' },
  CLASSIFIER_MODEL_DIR: { description: 'Folder of the trained classifier model' },
  CLASSIFIER_CONFIDENCE_THRESHOLD: { description: 'Below this (calibrated) confidence the customer is asked to pick the category; 0.6 asks about 1 in 10 (see nlp-models/EVAL.md)' },
  RECURRENCE_WINDOW_DAYS: { description: 'A complaint by the same customer in the same category within this many days is a repeat' },
  LOOKUP_MAX_FAILURES: { description: 'Wrong verifications one client (IP) may send in 15 minutes before its lookups wait' },
  LOOKUP_LAST4_FREE_FAILURES: {
    description: 'Wrong last-4 answers a ticket takes per day (from anyone) before checking the last 4 digits waits 30 s, doubling; the lookup code always works',
  },
  WRITE_QUEUE_LIMIT: { description: 'Writes allowed to wait for the database; more are answered 503 with Retry-After' },
  CONTACT_HASH_SECRET: {
    description: 'Secret used to hash customer contacts for repeat detection (set a long random value in production)',
    example: 'change-me-to-32-random-characters',
  },
  AUDIT_SECRET: {
    description: 'Optional key that makes audit hashes HMACs, so whoever can edit the database cannot rebuild the chain',
    example: 'change-me-to-32-random-characters',
  },
  SHUTDOWN_TIMEOUT_MS: { description: 'How long shutdown waits for in-flight requests' },
  PUBLIC_URL: { description: 'Address of this service as users reach it, for the links it hands out (dashboard); default http://localhost:PORT', example: 'https://complaints.example.com' },
  DASHBOARD_SECRET: {
    description: 'Secret that signs the supervisor dashboard links (HMAC); required in production',
    example: 'change-me-to-32-random-characters',
  },
  DASHBOARD_LINK_MINUTES: { description: 'How long a dashboard link works after it is handed out (minutes)' },
  SPIKE_FACTOR: { description: 'Spike alert: complaints about one category or product in a day above this many times their daily baseline' },
  SPIKE_MIN_COUNT: { description: 'Spike alert: and at least this many in the day (no alert for 1 → 3)' },
  SPIKE_BASELINE_DAYS: { description: 'Spike alert: the baseline is the mean per day over this many days before' },
  REPORT_CURRENCY: { description: 'Currency of remedy amounts in reports (ISO 4217 code)' },
  REPORT_LANGUAGE: { description: 'Language of reports, charts and the dashboard: zh-CN, zh-TW or en' },
  MicrosoftAppId: { description: 'Bot Framework app id; when set, /api/messages checks every request\'s JWT (leave empty for the Emulator)', example: '00000000-0000-0000-0000-000000000000' },
  MicrosoftAppPassword: { description: 'Bot Framework app password (client secret) of MicrosoftAppId', example: 'change-me' },
  MicrosoftAppType: { description: 'Bot Framework app type: MultiTenant, SingleTenant or UserAssignedMSI' },
  MicrosoftAppTenantId: { description: 'Tenant of a SingleTenant or UserAssignedMSI app', example: '00000000-0000-0000-0000-000000000000' },
  BOT_BODY_LIMIT: { description: 'Largest Bot Framework activity accepted at /api/messages' },
  BOT_MAX_MESSAGE_CHARS: { description: 'Longest customer message the bot reads (longer ones get a polite "too long")' },
  BOT_DEFAULT_CURRENCY: { description: 'Currency of an amount given as a bare number' },
  DIRECTLINE_SECRET: {
    description: 'Direct Line secret for clients that generate their own tokens (POST /v3/directline/tokens/generate); also keys the token signatures',
    example: 'change-me-to-32-random-characters',
  },
  DIRECTLINE_TOKEN_TTL_SECONDS: { description: 'Lifetime of Direct Line and widget tokens (clients refresh them)' },
  DIRECTLINE_RATE_LIMIT: { description: 'Messages per minute one Direct Line conversation may post (per instance)' },
  DIRECTLINE_MAX_ACTIVITY_BYTES: { description: 'Largest activity a Direct Line client may post, in bytes' },
  WIDGET_ALLOWED_ORIGINS: { description: 'Comma-separated origins whose pages may get widget tokens (* as port or host wildcard)' },
  EVIDENCE_STORE: { description: 'Where customer files go: gridfs (the service database) or folder (EVIDENCE_DIR)' },
  EVIDENCE_DIR: { description: 'Folder for customer files when EVIDENCE_STORE=folder' },
  EVIDENCE_MAX_MB: { description: 'Largest customer file accepted, in MB' },
  EVIDENCE_TYPES: { description: 'Comma-separated content types accepted as evidence' },
  WECHAT_TOKEN: { description: 'WeChat Official Account: the Token entered in the console (Server configuration); with WECHAT_APP_ID and WECHAT_APP_SECRET it turns the channel on', example: 'ChangeMe3to32LettersOrDigits' },
  WECHAT_APP_ID: { description: 'WeChat Official Account AppID (wx…)', example: 'wx0123456789abcdef' },
  WECHAT_APP_SECRET: { description: 'WeChat Official Account AppSecret (for the access_token)', example: '0123456789abcdef0123456789abcdef' },
  WECHAT_ENCODING_AES_KEY: { description: 'EncodingAESKey (43 characters) for safe mode (安全模式); empty: plain mode', example: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' },
  WECHAT_API_URL: { description: 'Base URL of the WeChat server API (tests and proxies point it elsewhere)' },
  WECHAT_TEMPLATE_RESULT: {
    description: 'Template message for results and agents\' replies outside the 48-hour window: template id, optionally :field=source,… (README, WeChat); empty: such messages wait for the customer\'s next message',
    example: 'tMpl_RESULT_0123456789abcdef',
  },
  WECHAT_TEMPLATE_SURVEY: { description: 'Template message inviting a rating outside the 48-hour window (same format as WECHAT_TEMPLATE_RESULT)', example: 'tMpl_SURVEY_0123456789abcdef' },
  API_KEYS: {
    description:
      'Keys of integrating systems as name:sha256-hex, comma-separated (npm run api-key -- --name hotline); name:sha256-hex:admin for the personal-data API (npm run api-key -- --name dpo --admin); required in production, unset in development leaves filing open',
    example: 'hotline:5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8',
  },
  API_RATE_LIMIT: { description: 'Filings one API key may send per minute (429 beyond)' },
  IP_RATE_LIMIT: { description: 'Requests to /api one client address may send per minute (429 beyond; per instance)' },
  RETENTION_IDEMPOTENCY_DAYS: { description: 'Days an Idempotency-Key is remembered' },
  RETENTION_LOOKUP_FAILURES_DAYS: { description: 'Days failed lookups are kept (they only count within 15 minutes / 1 day)' },
  RETENTION_FEED_DAYS: { description: 'Days change-feed entries and journal locks are kept once every consumer has handled them' },
  RETENTION_INTERVAL_MINUTES: { description: 'How often the retention job runs' },
  RETENTION_CLOSED_TICKET_DAYS: { description: 'Days after closing (or rejection) when a ticket\'s personal values and message texts are anonymised; 0 keeps them' },
  MALICIOUS_SUGGEST_REJECTIONS: { description: 'Suggest flagging a contact as malicious when they complain again after this many rejected complaints; 0 never suggests' },
  SLACK_SIGNING_SECRET: { description: 'Slack app signing secret (Basic Information); with SLACK_BOT_TOKEN it turns the Slack app on (not needed in Socket Mode)', example: '8f742231b10e8888abcd99yyyzzz85a5' },
  SLACK_BOT_TOKEN: { description: 'Slack bot token (OAuth & Permissions), xoxb-…', example: 'xoxb-0000-0000-xxxx' },
  SLACK_APP_TOKEN: { description: 'Optional app-level token (xapp-…, scope connections:write): Socket Mode instead of POST /slack/events, no public URL needed', example: 'xapp-1-A000-0000-xxxx' },
  SLACK_API_URL: { description: 'Base URL of the Slack Web API (tests and proxies point it elsewhere)' },
  SLACK_CHANNEL: { description: 'Channel ID where new tickets go unless the routing file says otherwise', example: 'C0123456789' },
  SLACK_ESCALATION_CHANNEL: { description: 'Channel ID that also gets major and high-risk tickets, mentioning the supervisors', example: 'C0987654321' },
  SLACK_REVIEW_CHANNEL: { description: 'Channel ID where new tickets of contacts flagged as malicious go for review (default: their routed channel, marked)', example: 'C0REVIEW01' },
  SLACK_RETURN_VISIT_CHANNEL: { description: 'Channel ID where return visits are posted for an agent to claim (default: the channel the ticket is routed to)', example: 'C0555RETVI' },
  SLACK_SUPERVISORS: { description: 'Supervisors: Slack user IDs and/or one user-group ID, comma-separated (stats, report, dashboard, overdue, acting on others\' tickets)', example: 'U0123ABCD,S0456EFGH' },
  SLACK_ROUTING_FILE: { description: 'JSON file routing category/severity to channels (format in README.md, section Slack)', example: './slack-routing.json' },
  SLACK_LANGUAGE: { description: 'Language of the Slack app: zh-CN, zh-TW or en' },
  SLACK_THREAD_DEFAULT: { description: 'What a plain reply in a ticket thread is: internal (a note, the default) or customer (sent to the customer)' },
  SLACK_SEND_PREFIX: { description: 'A thread reply starting with this goes to the customer (when replies are internal by default)' },
  SLACK_NOTE_PREFIX: { description: 'A thread reply starting with this stays internal (when SLACK_THREAD_DEFAULT=customer)' },
  SLACK_RATE_PER_CHANNEL: { description: 'Messages per second the outbox sends to one Slack channel (Slack allows about 1)' },
  SLACK_TEAM_LEADS: { description: 'Escalation tier 2: Slack user IDs and/or user-group IDs mentioned when a ticket is escalated to the team lead (default: the supervisors)', example: 'U0123ABCD,S0456EFGH' },
  SLACK_COMPLAINT_CENTRE: { description: 'Escalation tier 3: Slack user IDs and/or user-group IDs mentioned when a ticket is escalated to the complaint centre (default: the supervisors)', example: 'S0789IJKL' },
};

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test'], { message: 'must be development, production or test' }).default('development'),
  PORT: port('PORT').default(3978),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\/\S+$/, { message: 'must start with mongodb:// or mongodb+srv://' })
    .optional(),
  MONGODB_DB: z.string().regex(/^[A-Za-z0-9_-]{1,63}$/, { message: 'must be 1-63 letters, digits, _ or -' }).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  EMBEDDED_DB_PORT: port('EMBEDDED_DB_PORT').default(0),
  DB_TIMEOUT_MS: z.coerce.number({ message: 'must be a number of milliseconds' }).int().min(100, { message: 'must be at least 100' }).default(5000),
  API_BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, { message: 'must look like 64kb or 1mb' }).default('64kb'),
  TRUST_PROXY: bool.default(false),
  SLA_PRESET: z.enum(['service', 'telecom', 'ecommerce'], { message: 'must be service, telecom or ecommerce' }).default('service'),
  SLA_POLICY_FILE: z.string().min(1).optional(),
  SLA_TIMEZONE: z.string().refine(isTimeZone, { message: 'must be an IANA time zone such as Asia/Shanghai' }).default('Asia/Shanghai'),
  SLA_CALENDAR_REGION: z.string().regex(/^[A-Z]{2}$/, { message: 'must be a two-letter region code such as CN' }).default('CN'),
  SLA_CALENDAR_DIR: z.string().min(1).optional(),
  SLA_BUSINESS_HOURS: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, { message: 'must look like 09:00-18:00' })
    .optional(),
  SLA_WARNING_POINTS: checked(parseWarningPoints).default('80%,1h'),
  SLA_NOTIFY_HOURS: checked(parseNotifyHours).optional(),
  SLA_SCAN_INTERVAL_SECONDS: z.coerce.number({ message: 'must be a number of seconds' }).int().min(5, { message: 'must be at least 5' }).max(3600).default(30),
  SURVEY_AUTO: bool.default(true),
  SURVEY_TIMEOUT_DAYS: z.coerce.number({ message: 'must be a number of days' }).positive({ message: 'must be more than 0' }).max(60).default(3),
  APPEAL_DAYS: z.coerce.number({ message: 'must be a number of days' }).min(0).max(365).default(7),
  RETURN_VISIT_RATE: z.coerce.number({ message: 'must be a number between 0 and 1' }).min(0, { message: 'must be between 0 and 1' }).max(1, { message: 'must be between 0 and 1' }).default(0.2),
  RETURN_VISIT_DAYS: z.coerce.number({ message: 'must be a number of days' }).positive({ message: 'must be more than 0' }).max(365).default(7),
  SMTP_URL: z.string().regex(/^smtps?:\/\/\S+$/, { message: 'must be an smtp:// or smtps:// URL' }).optional(),
  SMTP_FROM: z.string().min(3).default('Complaint desk <no-reply@localhost>'),
  NOTICE_WEBHOOK_URL: z.string().url({ message: 'must be an http(s) URL' }).optional(),
  NOTICE_WEBHOOK_SECRET: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  TAXONOMY_FILE: z.string().min(1).optional(),
  CLASSIFIER: z.enum(['model', 'keyword'], { message: 'must be model or keyword' }).default('model'),
  CLASSIFIER_MODEL_DIR: z.string().min(1).default('nlp-models/default'),
  CLASSIFIER_CONFIDENCE_THRESHOLD: z.coerce.number({ message: 'must be a number' }).min(0, { message: 'must be between 0 and 1' }).max(1, { message: 'must be between 0 and 1' }).default(0.6),
  RECURRENCE_WINDOW_DAYS: z.coerce.number({ message: 'must be a number of days' }).int().min(1).max(365).default(30),
  LOOKUP_MAX_FAILURES: z.coerce.number({ message: 'must be a number' }).int().min(1).max(100).default(10),
  LOOKUP_LAST4_FREE_FAILURES: z.coerce.number({ message: 'must be a number' }).int().min(1).max(100).default(5),
  WRITE_QUEUE_LIMIT: z.coerce.number({ message: 'must be a number' }).int().min(10).max(100_000).default(2000),
  CONTACT_HASH_SECRET: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  AUDIT_SECRET: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number({ message: 'must be a number of milliseconds' }).int().min(0).default(10000),
  PUBLIC_URL: z
    .string()
    .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, { message: 'must be an http(s) address without query, such as https://complaints.example.com' })
    .transform((v) => v.replace(/\/+$/, ''))
    .optional(),
  DASHBOARD_SECRET: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  DASHBOARD_LINK_MINUTES: z.coerce.number({ message: 'must be a number of minutes' }).int().min(1, { message: 'must be between 1 and 1440' }).max(1440, { message: 'must be between 1 and 1440' }).default(30),
  SPIKE_FACTOR: z.coerce.number({ message: 'must be a number' }).gt(1, { message: 'must be above 1' }).max(100, { message: 'must be at most 100' }).default(3),
  SPIKE_MIN_COUNT: z.coerce.number({ message: 'must be a number' }).int().min(1, { message: 'must be at least 1' }).max(100_000).default(10),
  SPIKE_BASELINE_DAYS: z.coerce.number({ message: 'must be a number of days' }).int().min(1, { message: 'must be between 1 and 90' }).max(90, { message: 'must be between 1 and 90' }).default(28),
  REPORT_CURRENCY: z.string().regex(/^[A-Z]{3}$/, { message: 'must be a three-letter currency code such as CNY' }).default('CNY'),
  REPORT_LANGUAGE: z.enum(['zh-CN', 'zh-TW', 'en'], { message: 'must be zh-CN, zh-TW or en' }).default('zh-CN'),
  API_KEYS: z
    .string()
    .transform((v, ctx): ApiKeyEntry[] => {
      try {
        return parseApiKeys(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    })
    .optional(),
  API_RATE_LIMIT: z.coerce.number({ message: 'must be a number' }).int().min(1).max(100_000).default(600),
  IP_RATE_LIMIT: z.coerce.number({ message: 'must be a number' }).int().min(1).max(100_000).default(300),
  RETENTION_IDEMPOTENCY_DAYS: z.coerce.number({ message: 'must be a number of days' }).int().min(1).max(3650).default(7),
  RETENTION_LOOKUP_FAILURES_DAYS: z.coerce.number({ message: 'must be a number of days' }).int().min(2).max(3650).default(2),
  RETENTION_FEED_DAYS: z.coerce.number({ message: 'must be a number of days' }).int().min(1).max(3650).default(30),
  RETENTION_INTERVAL_MINUTES: z.coerce.number({ message: 'must be a number of minutes' }).int().min(1).max(1440).default(60),
  RETENTION_CLOSED_TICKET_DAYS: z.coerce.number({ message: 'must be a number of days' }).int().min(0).max(36500).default(1095),
  MALICIOUS_SUGGEST_REJECTIONS: z.coerce.number({ message: 'must be a number' }).int().min(0).max(1000).default(3),
  SLACK_SIGNING_SECRET: z.string().regex(/^\S{8,}$/, { message: 'must be the app\'s signing secret (no spaces)' }).optional(),
  SLACK_BOT_TOKEN: z.string().regex(/^xoxb-\S+$/, { message: 'must be a bot token starting with xoxb-' }).optional(),
  SLACK_APP_TOKEN: z.string().regex(/^xapp-\S+$/, { message: 'must be an app-level token starting with xapp-' }).optional(),
  SLACK_API_URL: z.string().url({ message: 'must be a URL such as https://slack.com/api/' }).default('https://slack.com/api/'),
  SLACK_CHANNEL: z.string().regex(SLACK_CHANNEL_ID, { message: 'must be a channel ID such as C0123456789 (not a #name)' }).optional(),
  SLACK_ESCALATION_CHANNEL: z.string().regex(SLACK_CHANNEL_ID, { message: 'must be a channel ID such as C0123456789 (not a #name)' }).optional(),
  SLACK_REVIEW_CHANNEL: z.string().regex(SLACK_CHANNEL_ID, { message: 'must be a channel ID such as C0123456789 (not a #name)' }).optional(),
  SLACK_RETURN_VISIT_CHANNEL: z.string().regex(SLACK_CHANNEL_ID, { message: 'must be a channel ID such as C0123456789 (not a #name)' }).optional(),
  SLACK_SUPERVISORS: z
    .string()
    .transform((v, ctx) => {
      const ids = v.split(',').map((x) => x.trim()).filter(Boolean);
      const bad = ids.filter((x) => !/^[UWS][A-Z0-9]{2,}$/.test(x));
      if (bad.length) ctx.addIssue({ code: 'custom', message: `not a user ID (U…/W…) or user-group ID (S…): ${bad.join(', ')}` });
      const groups = ids.filter((x) => x.startsWith('S'));
      if (groups.length > 1) ctx.addIssue({ code: 'custom', message: 'name at most one user group (S…)' });
      return { users: ids.filter((x) => !x.startsWith('S')), group: groups[0] ?? null };
    })
    .optional(),
  SLACK_ROUTING_FILE: z.string().min(1).optional(),
  SLACK_LANGUAGE: z.enum(['zh-CN', 'zh-TW', 'en'], { message: 'must be zh-CN, zh-TW or en' }).default('zh-CN'),
  SLACK_THREAD_DEFAULT: z.enum(['internal', 'customer'], { message: 'must be internal or customer' }).default('internal'),
  SLACK_SEND_PREFIX: z.string().trim().min(1).max(10).default('>>'),
  SLACK_NOTE_PREFIX: z.string().trim().min(1).max(10).default('//'),
  SLACK_TEAM_LEADS: slackIds.optional(),
  SLACK_COMPLAINT_CENTRE: slackIds.optional(),
  SLACK_RATE_PER_CHANNEL: z.coerce.number({ message: 'must be a number of messages per second' }).gt(0, { message: 'must be above 0' }).max(100, { message: 'must be at most 100' }).default(1),
  MicrosoftAppId: z.string().trim().min(1).optional(),
  MicrosoftAppPassword: z.string().min(1).optional(),
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], { message: 'must be MultiTenant, SingleTenant or UserAssignedMSI' }).default('MultiTenant'),
  MicrosoftAppTenantId: z.string().trim().min(1).optional(),
  BOT_BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, { message: 'must look like 256kb or 1mb' }).default('256kb'),
  BOT_MAX_MESSAGE_CHARS: z.coerce.number({ message: 'must be a number' }).int().min(100).max(5000, { message: 'must be at most 5000 (the longest complaint the core stores)' }).default(5000),
  BOT_DEFAULT_CURRENCY: z.string().regex(/^[A-Z]{3}$/, { message: 'must be a 3-letter currency code such as CNY' }).default('CNY'),
  DIRECTLINE_SECRET: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  DIRECTLINE_TOKEN_TTL_SECONDS: z.coerce.number({ message: 'must be a number of seconds' }).int().min(60).max(86400).default(1800),
  DIRECTLINE_RATE_LIMIT: z.coerce.number({ message: 'must be a number' }).int().min(1).max(10000).default(30),
  DIRECTLINE_MAX_ACTIVITY_BYTES: z.coerce.number({ message: 'must be a number of bytes' }).int().min(1024).max(10_000_000).default(32768),
  WIDGET_ALLOWED_ORIGINS: z
    .string()
    .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean))
    .default(['http://localhost:*', 'http://127.0.0.1:*']),
  EVIDENCE_STORE: z.enum(['gridfs', 'folder'], { message: 'must be gridfs or folder' }).default('gridfs'),
  EVIDENCE_DIR: z.string().min(1).default('./data/evidence'),
  EVIDENCE_MAX_MB: z.coerce.number({ message: 'must be a number of MB' }).min(0.01).max(100).default(10),
  EVIDENCE_TYPES: z
    .string()
    .transform((v) => v.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean))
    .default(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'application/pdf', 'text/plain']),
  WECHAT_TOKEN: z.string().regex(/^[A-Za-z0-9]{3,32}$/, { message: 'must be 3–32 letters or digits (the Token of the Official Account\'s server configuration)' }).optional(),
  WECHAT_APP_ID: z.string().regex(/^wx[0-9a-f]{16}$/, { message: 'must be the AppID, wx followed by 16 hex digits' }).optional(),
  WECHAT_APP_SECRET: z.string().regex(/^[A-Za-z0-9]{16,64}$/, { message: 'must be the AppSecret (letters and digits)' }).optional(),
  WECHAT_ENCODING_AES_KEY: z.string().regex(/^[A-Za-z0-9]{43}$/, { message: 'must be the 43-character EncodingAESKey' }).optional(),
  WECHAT_API_URL: z.string().url({ message: 'must be a URL such as https://api.weixin.qq.com/' }).default('https://api.weixin.qq.com/'),
  WECHAT_TEMPLATE_RESULT: z.string().transform(templateSetting).optional(),
  WECHAT_TEMPLATE_SURVEY: z.string().transform(templateSetting).optional(),
}).superRefine((c, ctx) => {
  if (c.NOTICE_WEBHOOK_URL && !c.NOTICE_WEBHOOK_SECRET) ctx.addIssue({ code: 'custom', path: ['NOTICE_WEBHOOK_SECRET'], message: 'is required with NOTICE_WEBHOOK_URL (requests are signed with it)' });
  // The Slack app is on with its bot token and a way to receive: the signing secret (HTTP) or an
  // app token (Socket Mode). Half a setup, or no channel to post to, is a mistake.
  const receives = c.SLACK_SIGNING_SECRET !== undefined || c.SLACK_APP_TOKEN !== undefined;
  if (c.SLACK_BOT_TOKEN === undefined && receives) {
    ctx.addIssue({ code: 'custom', path: ['SLACK_BOT_TOKEN'], message: `is required with ${c.SLACK_SIGNING_SECRET !== undefined ? 'SLACK_SIGNING_SECRET' : 'SLACK_APP_TOKEN'} (the Slack app needs both)` });
  }
  if (c.SLACK_BOT_TOKEN !== undefined && !receives) {
    ctx.addIssue({ code: 'custom', path: ['SLACK_SIGNING_SECRET'], message: 'is required with SLACK_BOT_TOKEN (the Slack app needs both; or SLACK_APP_TOKEN for Socket Mode)' });
  }
  if (c.SLACK_BOT_TOKEN !== undefined && receives && !c.SLACK_CHANNEL && !c.SLACK_ROUTING_FILE) {
    ctx.addIssue({ code: 'custom', path: ['SLACK_CHANNEL'], message: 'is required when the Slack app is on (or give SLACK_ROUTING_FILE with a default channel)' });
  }
  if (c.SLACK_SEND_PREFIX === c.SLACK_NOTE_PREFIX) ctx.addIssue({ code: 'custom', path: ['SLACK_NOTE_PREFIX'], message: 'must differ from SLACK_SEND_PREFIX' });
  // WeChat is on with its token, AppID and AppSecret together; any WeChat setting without all three is half a setup.
  const wechat = ['WECHAT_TOKEN', 'WECHAT_APP_ID', 'WECHAT_APP_SECRET'] as const;
  const wechatExtras = ['WECHAT_ENCODING_AES_KEY', 'WECHAT_TEMPLATE_RESULT', 'WECHAT_TEMPLATE_SURVEY'] as const;
  const given = [...wechat, ...wechatExtras].filter((k) => c[k] !== undefined);
  if (given.length) {
    for (const k of wechat) {
      if (c[k] === undefined) ctx.addIssue({ code: 'custom', path: [k], message: `is required with ${given.join(', ')} (the WeChat channel needs WECHAT_TOKEN, WECHAT_APP_ID and WECHAT_APP_SECRET)` });
    }
  }
  // Production refuses to start without what makes it safe: keys for the API, secrets for hashes.
  if (c.NODE_ENV !== 'production') return;
  const required: Array<[keyof typeof c, string]> = [
    ['CONTACT_HASH_SECRET', 'is required in production (a long random value: it keys the hashes of contacts and personal values)'],
    ['AUDIT_SECRET', 'is required in production (a long random value: without it anyone who can write to the database can rebuild the audit chain)'],
    ['API_KEYS', 'is required in production (npm run api-key -- --name <system> makes one)'],
    ['DASHBOARD_SECRET', 'is required in production (a long random value: it signs the supervisor dashboard links)'],
  ];
  for (const [key, message] of required) if (c[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message });
});

export type Config = z.output<typeof configSchema>;

function templateSetting(v: string, ctx: z.RefinementCtx): TemplateSetting {
  try {
    return parseTemplateSetting(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
}
