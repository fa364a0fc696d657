/**
 * A self-hosted subset of the Direct Line 3.0 protocol, enough for Microsoft's Web Chat and
 * botframework-directlinejs with no cloud: token generation (from DIRECTLINE_SECRET) and refresh,
 * start and reconnect, post and get activities with watermarks, attachment upload, and the
 * websocket stream (stream.ts). A conversation is reachable only with its token (or the secret).
 */
import crypto from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import busboy from 'busboy';
import type { Activity, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { DirectLineStore } from './activity-store';
import { BOT_ID, BOT_NAME, type DirectLineAdapter } from './directline-adapter';
import { newConversationId, secretMatches, type TokenClaims, type TokenSigner } from './tokens';
import { ConversationRateLimit } from './rate-limit';
import { checkFile, EVIDENCE_URL_PREFIX, type EvidenceLimits } from '../evidence/evidence-intake';
import type { EvidenceStore } from '../evidence/evidence-store';

export interface DirectLineSettings {
  secret?: string | undefined;
  tokenTtlSeconds: number;
  rateLimitPerMinute: number;
  /** Largest activity JSON accepted. */
  maxActivityBytes: number;
  evidence: EvidenceLimits;
}

export interface DirectLineDeps {
  store: DirectLineStore;
  adapter: DirectLineAdapter;
  signer: () => Promise<TokenSigner>;
  evidenceStore: EvidenceStore;
  run: (context: TurnContext) => Promise<void>;
  settings: DirectLineSettings;
  logger: Logger;
}

type Auth = { kind: 'secret' } | { kind: 'token'; claims: TokenClaims };

const ID = /^[A-Za-z0-9_-]{1,100}$/;
const ATTACHMENT_PATH = '/v3/directline/attachments';

class DlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function directLineRouter(deps: DirectLineDeps): Router {
  const { store, adapter, settings, logger } = deps;
  const limiter = new ConversationRateLimit(settings.rateLimitPerMinute);
  const turns = new Map<string, Promise<unknown>>();
  const router = express.Router();

  // Any page may talk to Direct Line: requests carry a bearer token, never cookies.
  router.use('/v3/directline', (req, res, next) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, x-ms-bot-agent, x-requested-with');
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  });

  const authenticate = async (req: Request): Promise<Auth> => {
    const header = req.get('authorization') ?? '';
    const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
    if (!bearer) throw new DlError(401, 'unauthorized', 'Send "Authorization: Bearer <token or secret>".');
    if (secretMatches(bearer, settings.secret)) return { kind: 'secret' };
    const claims = (await deps.signer()).verify(bearer);
    if (!claims) throw new DlError(403, 'forbidden', 'The token is invalid or has expired.');
    return { kind: 'token', claims };
  };

  const conversationOf = async (req: Request): Promise<{ auth: Auth; id: string; conversation: NonNullable<Awaited<ReturnType<DirectLineStore['get']>>> }> => {
    const auth = await authenticate(req);
    const id = String(req.params.id ?? '');
    if (!ID.test(id)) throw new DlError(404, 'not_found', 'No such conversation.');
    if (auth.kind === 'token' && auth.claims.c !== id) throw new DlError(403, 'forbidden', 'This token is for another conversation.');
    const conversation = await store.get(id);
    if (!conversation) throw new DlError(404, 'not_found', 'No such conversation.');
    return { auth, id, conversation };
  };

  const issue = async (claims: Omit<TokenClaims, 'exp'>) => {
    const exp = Math.floor(Date.now() / 1000) + settings.tokenTtlSeconds;
    return { token: (await deps.signer()).sign({ ...claims, exp }), expires_in: settings.tokenTtlSeconds };
  };

  const streamUrl = (req: Request, id: string, token: string, watermark?: number) => {
    const proto = req.protocol === 'https' ? 'wss' : 'ws';
    const q = new URLSearchParams({ ...(watermark !== undefined ? { watermark: String(watermark) } : {}), t: token });
    return `${proto}://${req.get('host')}/v3/directline/conversations/${id}/stream?${q}`;
  };

  const baseUrl = (req: Request) => `${req.protocol}://${req.get('host')}`;

  /** Run the bot on an activity, one turn at a time per conversation (on this instance). */
  const turn = (id: string, activity: Partial<Activity>) => {
    const previous = turns.get(id) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => adapter.processActivity(activity, deps.run));
    turns.set(id, next);
    void next.finally(() => {
      if (turns.get(id) === next) turns.delete(id);
    }).catch(() => undefined);
    return next;
  };

  const startConversation = async (req: Request, id: string, channel: TokenClaims['ch'], userId: string, locale?: string) => {
    const created = await store.create(id, channel, userId);
    if (created) {
      // The bot greets whoever joins (a conversationUpdate, as the Direct Line service sends).
      await turn(id, {
        type: 'conversationUpdate',
        id: crypto.randomUUID(),
        channelId: channel,
        serviceUrl: baseUrl(req),
        conversation: { id } as Activity['conversation'],
        from: { id: userId, role: 'user' },
        recipient: { id: BOT_ID, name: BOT_NAME, role: 'bot' },
        membersAdded: [{ id: BOT_ID, name: BOT_NAME }, { id: userId }],
        locale: locale ?? (typeof req.query.locale === 'string' ? req.query.locale : undefined),
        timestamp: new Date(),
      } as Partial<Activity>).catch((err: unknown) => logger.warn({ err, conversationId: id }, 'welcome turn failed'));
    }
    return created;
  };

  const wrap = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };

  router.post(
    '/v3/directline/tokens/generate',
    express.json({ limit: '4kb', type: () => true }),
    wrap(async (req, res) => {
      const auth = await authenticate(req);
      if (auth.kind !== 'secret') throw new DlError(403, 'forbidden', 'Generating a token needs the Direct Line secret.');
      const userId = validUserId((req.body as { user?: { id?: unknown } } | undefined)?.user?.id) ?? `dl_${crypto.randomBytes(8).toString('hex')}`;
      const conversationId = newConversationId();
      const t = await issue({ c: conversationId, ch: 'directline', u: userId });
      res.json({ conversationId, token: t.token, expires_in: t.expires_in });
    }),
  );

  router.post(
    '/v3/directline/tokens/refresh',
    wrap(async (req, res) => {
      const auth = await authenticate(req);
      if (auth.kind !== 'token') throw new DlError(403, 'forbidden', 'Refresh a token with the token itself.');
      const t = await issue({ c: auth.claims.c, ch: auth.claims.ch, ...(auth.claims.u ? { u: auth.claims.u } : {}) });
      res.json({ conversationId: auth.claims.c, token: t.token, expires_in: t.expires_in });
    }),
  );

  router.post(
    '/v3/directline/conversations',
    express.json({ limit: '4kb', type: () => true }),
    wrap(async (req, res) => {
      const auth = await authenticate(req);
      let claims: Omit<TokenClaims, 'exp'>;
      if (auth.kind === 'secret') claims = { c: newConversationId(), ch: 'directline', u: `dl_${crypto.randomBytes(8).toString('hex')}` };
      else claims = { c: auth.claims.c, ch: auth.claims.ch, u: auth.claims.u ?? `dl_${crypto.randomBytes(8).toString('hex')}` };
      const startLocale = (req.body as { locale?: unknown } | undefined)?.locale;
      const created = await startConversation(req, claims.c, claims.ch, claims.u!, typeof startLocale === 'string' && /^[A-Za-z-]{2,20}$/.test(startLocale) ? startLocale : undefined);
      const t = auth.kind === 'token' ? { token: req.get('authorization')!.replace(/^Bearer\s+/i, ''), expires_in: auth.claims.exp - Math.floor(Date.now() / 1000) } : await issue(claims);
      res.status(created ? 201 : 200).json({ conversationId: claims.c, token: t.token, expires_in: t.expires_in, streamUrl: streamUrl(req, claims.c, t.token) });
    }),
  );

  router.get(
    '/v3/directline/conversations/:id',
    wrap(async (req, res) => {
      // A token issued for a conversation not started yet (the widget's) starts it on reconnect.
      const early = await authenticate(req);
      if (early.kind === 'token' && early.claims.c === req.params.id && !(await store.get(early.claims.c))) {
        await startConversation(req, early.claims.c, early.claims.ch, early.claims.u ?? `dl_${crypto.randomBytes(8).toString('hex')}`);
      }
      const { auth, id, conversation } = await conversationOf(req);
      const watermark = parseWatermark(req.query.watermark);
      const t = auth.kind === 'token' ? { token: req.get('authorization')!.replace(/^Bearer\s+/i, ''), expires_in: auth.claims.exp - Math.floor(Date.now() / 1000) } : await issue({ c: id, ch: conversation.channel, u: conversation.userId });
      res.json({ conversationId: id, token: t.token, expires_in: t.expires_in, streamUrl: streamUrl(req, id, t.token, watermark) });
    }),
  );

  router.get(
    '/v3/directline/conversations/:id/activities',
    wrap(async (req, res) => {
      const { id } = await conversationOf(req);
      const page = await store.since(id, parseWatermark(req.query.watermark) ?? 0);
      res.json({ activities: page.activities, watermark: String(page.watermark) });
    }),
  );

  router.post(
    '/v3/directline/conversations/:id/activities',
    express.json({ limit: settings.maxActivityBytes, strict: true, type: () => true }),
    wrap(async (req, res) => {
      const { auth, id, conversation } = await conversationOf(req);
      const body = req.body as Partial<Activity> | undefined;
      if (!body || typeof body !== 'object' || Array.isArray(body) || typeof body.type !== 'string' || !body.type) {
        throw new DlError(400, 'activity.invalid', 'The body must be an activity: a JSON object with a "type".');
      }
      const wait = limiter.take(id);
      if (wait > 0) {
        res.setHeader('Retry-After', String(wait));
        throw new DlError(429, 'too_many_requests', `Too many messages in this conversation; retry in ${wait} s.`);
      }
      const userId = auth.kind === 'token' && auth.claims.u ? auth.claims.u : (validUserId(body.from?.id) ?? conversation.userId);
      const activity = userActivity(body, { id, channel: conversation.channel, userId, serviceUrl: baseUrl(req) });
      const stored = await store.append(id, activity);
      adapter.events.emit('appended', id);
      await turn(id, { ...stored.activity, attachments: forBot(stored.activity.attachments) });
      res.json({ id: stored.activity.id });
    }),
  );

  router.post(
    '/v3/directline/conversations/:id/upload',
    wrap(async (req, res) => {
      const { auth, id, conversation } = await conversationOf(req);
      if (!req.is('multipart/form-data')) throw new DlError(415, 'unsupported_media_type', 'Upload files as multipart/form-data.');
      const wait = limiter.take(id);
      if (wait > 0) {
        res.setHeader('Retry-After', String(wait));
        throw new DlError(429, 'too_many_requests', `Too many messages in this conversation; retry in ${wait} s.`);
      }
      const { files, activityJson } = await readMultipart(req, settings.evidence.maxBytes);
      const signer = await deps.signer();
      const attachments: Activity['attachments'] = [];
      for (const f of files) {
        const problem = f.truncated ? 'too_large' : checkFile(f.bytes, f.contentType, settings.evidence);
        if (problem) {
          attachments.push({ name: f.name, contentType: f.contentType, contentUrl: `rejected:${problem}` });
          continue;
        }
        const stored = await deps.evidenceStore.put(f.bytes, { name: f.name, contentType: f.contentType });
        const q = new URLSearchParams({ c: id, sig: signer.attachmentSig(stored.sha256, id) });
        attachments.push({ name: f.name, contentType: stored.contentType, contentUrl: `${baseUrl(req)}${ATTACHMENT_PATH}/${stored.sha256}?${q}` });
      }
      let base: Partial<Activity> = { type: 'message' };
      if (activityJson) {
        try {
          base = JSON.parse(activityJson) as Partial<Activity>;
        } catch {
          throw new DlError(400, 'activity.invalid', 'The "activity" part is not JSON.');
        }
      }
      const userId = auth.kind === 'token' && auth.claims.u ? auth.claims.u : (validUserId(req.query.userId) ?? conversation.userId);
      const activity = userActivity({ ...base, type: 'message' }, { id, channel: conversation.channel, userId, serviceUrl: baseUrl(req) });
      activity.attachments = [...(activity.attachments ?? []), ...attachments];
      const stored = await store.append(id, activity);
      adapter.events.emit('appended', id);
      await turn(id, { ...stored.activity, attachments: forBot(stored.activity.attachments) });
      res.json({ id: stored.activity.id });
    }),
  );

  router.get(
    `${ATTACHMENT_PATH}/:sha`,
    wrap(async (req, res) => {
      const sha = String(req.params.sha);
      const c = String(req.query.c ?? '');
      const sig = String(req.query.sig ?? '');
      const expected = (await deps.signer()).attachmentSig(sha, c);
      if (!/^[a-f0-9]{64}$/.test(sha) || sig.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(sig), Buffer.from(expected))) {
        throw new DlError(404, 'not_found', 'No such attachment.');
      }
      const stat = await deps.evidenceStore.stat(sha);
      const bytes = stat ? await deps.evidenceStore.read(sha) : null;
      if (!stat || !bytes) throw new DlError(404, 'not_found', 'No such attachment.');
      res.setHeader('Content-Type', stat.contentType);
      res.setHeader('Cache-Control', 'private, max-age=3600');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Disposition', `inline; filename*=UTF-8''${encodeURIComponent(stat.name)}`);
      res.send(bytes);
    }),
  );

  router.use('/v3/directline', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof DlError) {
      res.status(err.status).json({ error: { code: err.code, message: err.message } });
      return;
    }
    next(err);
  });
  return router;
}

/** The activity as the service stores it: identity and addressing come from the token, not the client. */
function userActivity(body: Partial<Activity>, c: { id: string; channel: string; userId: string; serviceUrl: string }): Partial<Activity> {
  const { id: _id, timestamp: _ts, conversation: _conv, recipient: _rcpt, channelId: _ch, serviceUrl: _su, ...rest } = body;
  return {
    ...rest,
    from: { id: c.userId, ...(typeof body.from?.name === 'string' ? { name: body.from.name.slice(0, 100) } : {}), role: 'user' } as Activity['from'],
    recipient: { id: BOT_ID, name: BOT_NAME, role: 'bot' },
    conversation: { id: c.id } as Activity['conversation'],
    channelId: c.channel,
    serviceUrl: c.serviceUrl,
  };
}

/** Attachments as the bot sees them: this service's stored files become `evidence:<sha256>` references. */
function forBot(attachments: Activity['attachments'] | undefined): Activity['attachments'] {
  return (attachments ?? []).map((a) => {
    const m = typeof a.contentUrl === 'string' ? /\/v3\/directline\/attachments\/([a-f0-9]{64})\?/.exec(a.contentUrl) : null;
    return m ? { ...a, contentUrl: `${EVIDENCE_URL_PREFIX}${m[1]}` } : a;
  });
}

function parseWatermark(v: unknown): number | undefined {
  if (typeof v !== 'string' || !/^\d{1,9}$/.test(v)) return undefined;
  return Number(v);
}

function validUserId(v: unknown): string | undefined {
  return typeof v === 'string' && /^[\w.:@-]{1,100}$/.test(v) ? v : undefined;
}

interface UploadedFile {
  name: string;
  contentType: string;
  bytes: Buffer;
  truncated: boolean;
}

function readMultipart(req: Request, maxBytes: number): Promise<{ files: UploadedFile[]; activityJson: string | null }> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { fileSize: maxBytes, files: 10, fields: 5, fieldSize: 64 * 1024, parts: 20 } });
    } catch {
      reject(new DlError(400, 'upload.invalid', 'The multipart body could not be read.'));
      return;
    }
    const files: UploadedFile[] = [];
    let activityJson: string | null = null;
    bb.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      let truncated = false;
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => (truncated = true));
      stream.on('end', () => {
        const bytes = Buffer.concat(chunks);
        if (field === 'activity' || info.mimeType === 'application/vnd.microsoft.activity') activityJson = bytes.toString('utf8');
        else files.push({ name: (info.filename || 'file').slice(0, 200), contentType: info.mimeType || 'application/octet-stream', bytes: truncated ? Buffer.alloc(0) : bytes, truncated });
      });
    });
    bb.on('field', (field, value) => {
      if (field === 'activity') activityJson = value;
    });
    bb.on('error', () => reject(new DlError(400, 'upload.invalid', 'The multipart body could not be read.')));
    bb.on('close', () => resolve({ files, activityJson }));
    req.pipe(bb);
  });
}
