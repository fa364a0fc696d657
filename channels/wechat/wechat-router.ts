/**
 * The Official Account's server URL (developer mode): `GET /wechat` answers WeChat's server
 * verification, `POST /wechat` takes customers' messages and events, in plain or safe mode.
 *
 * Every post is checked before anything happens: `signature` over the token, timestamp and
 * nonce; a timestamp within five minutes; in safe mode `msg_signature` over the ciphertext too,
 * and a ciphertext that decrypts to a message for our AppID. Anything else is answered 401 or
 * 400 and nothing is processed.
 *
 * WeChat waits five seconds for an answer and then posts the same message again (three times).
 * So each message is claimed once (its MsgId, or sender + CreateTime for events, by a unique
 * insert: the retries, on any instance, are answered "success" without running the dialog
 * again), the dialog runs within a budget, and its answer goes back as the passive reply — or,
 * when it is not ready in time, the post is answered "success" and the answer follows as a
 * customer-service message. Messages that waited for the customer (an agent's reply after the
 * 48-hour window) go out with the answer to their next message.
 */
import crypto from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Activity, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import { checkFile, EVIDENCE_URL_PREFIX, type EvidenceLimits } from '../evidence/evidence-intake';
import type { EvidenceStore } from '../evidence/evidence-store';
import type { BotLanguage } from '../../dialogs/messages';
import { signatureMatches, wechatSignature, WeChatCipher, WeChatCryptoError } from './wechat-crypto';
import { encryptedReplyXml, parseEnvelope, parseInbound, textReplyXml, WeChatXmlError, type WeChatInbound } from './wechat-xml';
import type { WeChatAdapter, TurnReplies } from './wechat-adapter';
import { choiceFor, renderActivities, splitText } from './wechat-render';
import type { PendingItem, UserDoc, WeChatStore } from './wechat-store';
import type { WeChatApi } from './wechat-api';
import type { WeChatMessenger } from './wechat-messenger';
import { wechatTexts } from './wechat-texts';

export const WECHAT_PATH = '/wechat';
/** Menu keys (CLICK events) the desk understands; README shows a menu that uses them. */
export const MENU_KEYS: Record<string, string> = { COMPLAINT_NEW: 'new complaint', COMPLAINT_MINE: 'my complaints' };
const MAX_SKEW_S = 300;
/**
 * The customer's record is rewritten for a new message only when its options or language changed,
 * or its last-message time is older than this: the 48-hour window is then reckoned from a time at
 * most this much too early (the messenger already closes it 10 minutes early).
 */
export const LAST_MESSAGE_GRAIN_MS = 60_000;
const MAX_BODY = '64kb';

export interface WeChatRouterSettings {
  token: string;
  appId: string;
  encodingAesKey?: string | undefined;
  /** How long the dialog may take before the post is answered "success" and the answer follows by the API. */
  replyBudgetMs: number;
  evidence: EvidenceLimits;
}

export interface WeChatRouterDeps {
  settings: WeChatRouterSettings;
  store: WeChatStore;
  adapter: WeChatAdapter;
  api: WeChatApi;
  messenger: WeChatMessenger;
  evidenceStore: EvidenceStore;
  run: (context: TurnContext) => Promise<void>;
  logger: Logger;
  now?: () => number;
}

class WeChatHttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

/** The conversation id of a customer: a digest of AppID and OpenID, so ids in logs and the audit name no OpenID. */
export function conversationIdOf(appId: string, openId: string): string {
  return `wx_${crypto.createHash('sha256').update(`${appId}\n${openId}`).digest('base64url').slice(0, 27)}`;
}

/** The endpoint, and a promise of the writes still running after answers (shutdown and tests wait for them). */
export type WeChatRouter = Router & { settled(): Promise<void> };

export function wechatRouter(deps: WeChatRouterDeps): WeChatRouter {
  const { settings, store, adapter, logger } = deps;
  const now = deps.now ?? Date.now;
  const cipher = settings.encodingAesKey ? new WeChatCipher(settings.encodingAesKey, settings.appId) : null;
  const holder = crypto.randomBytes(8).toString('hex');
  const turns = new Map<string, Promise<UserDoc | undefined>>();
  const inFlight = new Set<Promise<void>>();
  /** Messages this instance is answering or recording (the customer's record not yet written). */
  const inHand = new Set<string>();
  const router = express.Router();

  /** The query's signature and timestamp, checked; throws 401. */
  const verifyQuery = (req: Request): { timestamp: string; nonce: string } => {
    const q = req.query;
    const timestamp = typeof q.timestamp === 'string' ? q.timestamp : '';
    const nonce = typeof q.nonce === 'string' ? q.nonce : '';
    if (!/^\d{1,12}$/.test(timestamp) || !nonce || nonce.length > 64 || typeof q.signature !== 'string') throw new WeChatHttpError(401, 'signature, timestamp and nonce are required');
    if (Math.abs(now() / 1000 - Number(timestamp)) > MAX_SKEW_S) throw new WeChatHttpError(401, 'the timestamp is more than 5 minutes away');
    if (!signatureMatches(wechatSignature(settings.token, timestamp, nonce), q.signature)) throw new WeChatHttpError(401, 'the signature does not match');
    return { timestamp, nonce };
  };

  router.get(
    WECHAT_PATH,
    wrap(async (req, res) => {
      verifyQuery(req);
      const echostr = typeof req.query.echostr === 'string' ? req.query.echostr : '';
      if (!echostr) throw new WeChatHttpError(400, 'echostr is required');
      res.type('text/plain').send(echostr);
    }),
  );

  router.post(
    WECHAT_PATH,
    express.text({ type: () => true, limit: MAX_BODY }),
    wrap(async (req, res) => {
      const started = now();
      const { timestamp, nonce } = verifyQuery(req);
      const body = typeof req.body === 'string' ? req.body : '';
      if (!body.trim()) throw new WeChatHttpError(400, 'the body is empty');
      const inbound = readInbound(body, timestamp, nonce, req.query.msg_signature);
      const answer = await handle(inbound, started);
      if (!answer) {
        res.type('text/plain').send('success');
        return;
      }
      const xml = textReplyXml({ toUser: inbound.fromUser, fromUser: inbound.toUser, createTime: now() / 1000, content: answer });
      if (!cipher) {
        res.type('application/xml').send(xml);
        return;
      }
      const ts = String(Math.floor(now() / 1000));
      const replyNonce = String(crypto.randomInt(1e9, 1e10));
      const encrypt = cipher.encrypt(xml);
      res.type('application/xml').send(encryptedReplyXml({ encrypt, signature: wechatSignature(settings.token, ts, replyNonce, encrypt), timestamp: ts, nonce: replyNonce }));
    }),
  );

  router.all(WECHAT_PATH, (_req, res) => {
    res.setHeader('Allow', 'GET, POST');
    res.status(405).type('text/plain').send('GET or POST');
  });

  router.use(WECHAT_PATH, (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const status = err instanceof WeChatHttpError ? err.status : (err as { type?: string })?.type === 'entity.too.large' ? 413 : null;
    if (status === null) {
      next(err);
      return;
    }
    // WeChat shows nothing of this to anyone; the log says why (never what the body held).
    logger.info({ status, reason: err instanceof WeChatHttpError ? err.message : 'the body is too large' }, 'wechat: post refused');
    res.status(status).type('text/plain').send(err instanceof WeChatHttpError ? err.message : 'the body is too large');
  });

  /** The body as a message: plain, or decrypted after its msg_signature is checked. */
  function readInbound(body: string, timestamp: string, nonce: string, msgSignature: unknown): WeChatInbound {
    let envelope: ReturnType<typeof parseEnvelope>;
    try {
      envelope = parseEnvelope(body);
    } catch (err) {
      throw new WeChatHttpError(400, err instanceof WeChatXmlError ? err.message : 'the body is not XML');
    }
    if (cipher) {
      if (!envelope.encrypt) throw new WeChatHttpError(400, 'safe mode is on (WECHAT_ENCODING_AES_KEY): the body must carry Encrypt');
      if (!signatureMatches(wechatSignature(settings.token, timestamp, nonce, envelope.encrypt), msgSignature)) throw new WeChatHttpError(401, 'msg_signature does not match');
      let plain: string;
      try {
        plain = cipher.decrypt(envelope.encrypt);
      } catch (err) {
        if (err instanceof WeChatCryptoError && err.code === 'wrong_app') throw new WeChatHttpError(401, 'the message is for another AppID');
        throw new WeChatHttpError(400, 'Encrypt could not be decrypted');
      }
      try {
        return parseInbound(plain);
      } catch (err) {
        throw new WeChatHttpError(400, err instanceof WeChatXmlError ? err.message : 'the decrypted body is not XML');
      }
    }
    if (envelope.encrypt && !envelope.fields.MsgType) throw new WeChatHttpError(400, 'the message is encrypted but WECHAT_ENCODING_AES_KEY is not set');
    try {
      return parseInbound(envelope.fields);
    } catch (err) {
      throw new WeChatHttpError(400, err instanceof WeChatXmlError ? err.message : 'the body is not a WeChat message');
    }
  }

  /** Handle one message or event; the text of the passive reply, or null for "success". */
  async function handle(m: WeChatInbound, started: number): Promise<string | null> {
    const openId = m.fromUser;
    const kind = classify(m);
    if (kind === 'ignore') return null;
    if (kind === 'unsubscribe') {
      await store.saveUser(openId, { unsubscribedAt: new Date(now()) });
      return null;
    }
    // WeChat's advice: MsgId, or FromUserName + CreateTime for events (with the event and key, so two menu taps in one second are two).
    const key = m.msgId ? `m:${m.msgId}` : `e:${openId}:${m.createTime}:${m.event ?? m.msgType}:${m.eventKey ?? ''}`;
    const conversationId = conversationIdOf(settings.appId, openId);
    const slot = takeTurn(conversationId);
    // Ends the slot when this post does not hand it to the answer's writes (a retry, a failure).
    let handedToWrites = false;
    let holding = false;
    try {
      // Nothing of this customer's in hand here: their record is read while the message is claimed
      // (after a previous message here, the record it wrote is known).
      const early = slot.previous ? null : store.user(openId);
      early?.catch(() => undefined);
      const claimed = await store.claimInbound(key, holder);
      if (claimed !== true) {
        // A retry of a message in hand (or answered). One whose holder went quiet well past
        // WeChat's 5 s (the instance died) is taken over: the bot's own record of the messages it
        // processed keeps it from answering one twice. Otherwise the retry is only acknowledged.
        // Still in hand here (answered, its record being written after the answer): never taken over.
        if (claimed === 'gone' || inHand.has(key)) return null;
        const stale = now() - claimed.at.getTime() > settings.replyBudgetMs + 3000;
        if (!stale || !(await store.takeOverInbound(claimed, holder))) return null;
        logger.info('wechat: took over a message whose first handler went quiet');
      }
      inHand.add(key);
      holding = true;

      const work = (async () => {
        // After this customer's previous message here, its answer and its writes: the record read now has the options it showed.
        const known = await slot.previous;
        const user = known ?? (await (early ?? store.user(openId)));
        const activity = await toActivity(m, kind, user?.choices ?? null);
        // Messages that waited for this customer go out with this answer, oldest first. The queue
        // is read when the customer's record says something was queued, or when the record is the
        // one the previous message here wrote (a queued message may have moved it since).
        const waiting = (known || store.mayWait(user) ? store.claimWaiting(openId, holder, (user?.handedOver ?? 0) + 1) : Promise.resolve([])).catch((err: unknown) => {
          logger.warn({ err: { message: (err as Error).message } }, 'wechat: waiting messages not readable now; they go with a later message');
          return [] as PendingItem[];
        });
        let replies: TurnReplies;
        try {
          replies = await adapter.processActivity(activity, deps.run);
        } catch (err) {
          // The bot answers its own failures ("please send that again"); this is the adapter failing around it.
          logger.error({ err: { message: (err as Error).message } }, 'wechat: the turn failed');
          replies = { activities: [], language: null };
        }
        return { user, replies, waiting: await waiting };
      })();

      const budget = Math.max(0, settings.replyBudgetMs - (now() - started));
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), budget)));
      const first = await Promise.race([work, late]).finally(() => clearTimeout(timer));

      /**
       * The answer's text (the passive reply's, or sent by the API when late). The writes that only
       * record the message — the customer's record, the waiting messages handed over — run after
       * the answer, off WeChat's clock; the customer's slot ends with them.
       */
      const finish = (r: Awaited<typeof work>, passive: boolean): string | null => {
        const lang: BotLanguage = r.replies.language ?? r.user?.lang ?? 'zh-CN';
        const rendered = renderActivities(r.replies.activities, lang);
        const before = r.waiting.length ? [wechatTexts(lang).whileAway, ...r.waiting.map((w) => w.text)].join('\n\n') : '';
        const text = [before, rendered.text].filter(Boolean).join('\n\n');
        const pieces = text ? splitText(text) : [];
        // The first piece is the passive reply; a longer answer's rest follows by the API.
        if (passive && pieces.length > 1) void deps.messenger.sendLate(openId, pieces.slice(1).join('\n\n')).catch((err: unknown) => logger.error({ err: { message: (err as Error).message } }, 'wechat: the rest of a long answer was not sent'));
        const delivered: Promise<boolean> = !text
          ? Promise.resolve(false)
          : passive
            ? Promise.resolve(true)
            : deps.messenger.sendLate(openId, text).then(
                () => true,
                (err: unknown) => {
                  logger.error({ err: { message: (err as Error).message } }, 'wechat: a late answer failed');
                  return false;
                },
              );
        const patch = {
          ...(kind === 'message' ? { lastMessageAt: new Date(Math.min(m.createTime * 1000, now())) } : {}),
          ...(kind === 'subscribe' ? { unsubscribedAt: null } : {}),
          lang,
          choices: rendered.choices,
        };
        const u = r.user;
        const unchanged =
          !!u &&
          u.lang === lang &&
          sameChoices(u.choices ?? null, rendered.choices) &&
          !(kind === 'subscribe' && u.unsubscribedAt) &&
          (!patch.lastMessageAt || (!!u.lastMessageAt && patch.lastMessageAt.getTime() - u.lastMessageAt.getTime() < LAST_MESSAGE_GRAIN_MS));
        // One write at a time to the customer's document: FerretDB rewrites a whole document per update.
        const recorded = (unchanged ? Promise.resolve() : store.saveUser(openId, patch))
          .then(() => delivered)
          .then(async (ok): Promise<UserDoc> => {
            let handedOver: number | undefined;
            if (ok) handedOver = await store.handedOver(openId, r.waiting);
            else if (r.waiting.length) await store.release(openId, r.waiting, holder);
            const written = unchanged ? u! : { ...u, ...patch, _id: `${settings.appId}:${openId}`, updatedAt: new Date(now()) };
            return handedOver ? { ...written, handedOver } : written;
          });
        handedToWrites = true;
        // The customer's next message here waits for their record.
        afterAnswer(recorded, (record) => {
          slot.end(record as UserDoc | undefined);
          inHand.delete(key);
        });
        return passive ? (pieces[0] ?? null) : null;
      };

      if (first !== 'late') return finish(first, true);
      handedToWrites = true;
      afterAnswer(
        work.then(
          (r) => void finish(r, false),
          (err: unknown) => {
            slot.end();
            inHand.delete(key);
            throw err;
          },
        ),
      );
      return null;
    } finally {
      if (!handedToWrites) {
        slot.end();
        if (holding) inHand.delete(key);
      }
    }
  }

  /**
   * One message at a time per customer on this instance, in the order they arrived, from reading
   * the customer's record to the writes after the answer (so a quick "2" is read against the
   * options just shown). `previous` is null when nothing of the customer's is in hand here.
   */
  function takeTurn(conversationId: string): { previous: Promise<UserDoc | undefined> | null; end: (record?: UserDoc) => void } {
    const previous = turns.get(conversationId) ?? null;
    // Ends with the customer's record as this message wrote it (undefined: not known, read it).
    let end!: (record?: UserDoc) => void;
    const mine = new Promise<UserDoc | undefined>((r) => (end = r));
    const chained = previous ? previous.then(() => mine) : mine;
    turns.set(conversationId, chained);
    void chained.then(() => {
      if (turns.get(conversationId) === chained) turns.delete(conversationId);
    });
    return { previous, end };
  }

  /** Work that goes on after the answer: logged if it fails, awaited by `settled()` (shutdown, tests). */
  function afterAnswer<T>(p: Promise<T>, then?: (value: T | undefined) => void): void {
    const tracked: Promise<void> = p
      .then(
        (value) => then?.(value),
        (err: unknown) => {
          logger.error({ err: { message: (err as Error).message } }, 'wechat: recording a message after its answer failed');
          then?.(undefined);
        },
      )
      .finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  }

  /** The activity the bot sees: text (or an option's text for its number), evidence, a menu command, a greeting. */
  async function toActivity(m: WeChatInbound, kind: Kind, choices: string[] | null): Promise<Partial<Activity>> {
    const base: Partial<Activity> = {
      id: m.msgId ? `wx-${m.msgId}` : `wx-e-${m.createTime}-${m.event ?? m.msgType}-${m.eventKey ?? ''}`.slice(0, 200),
      channelId: 'wechat',
      serviceUrl: `wechat:${settings.appId}`,
      conversation: { id: conversationIdOf(settings.appId, m.fromUser) } as Activity['conversation'],
      from: { id: m.fromUser, role: 'user' } as Activity['from'],
      recipient: { id: m.toUser, role: 'bot' } as Activity['recipient'],
      timestamp: new Date(m.createTime * 1000),
      // WeChat does not say the customer's language; Chinese until they write otherwise.
      locale: 'zh-CN',
    };
    if (kind === 'subscribe') return { ...base, type: 'conversationUpdate', membersAdded: [{ id: m.fromUser }] } as Partial<Activity>;
    if (kind === 'menu') return { ...base, type: 'message', text: MENU_KEYS[m.eventKey ?? ''] ?? '' };
    const message = { ...base, type: 'message' } as Partial<Activity>;
    switch (m.msgType) {
      case 'text':
        message.text = choiceFor(m.content ?? '', choices) ?? m.content ?? '';
        break;
      case 'voice':
        // Speech recognition (when the account has it on) gives the words; otherwise the bot asks for text.
        message.text = m.recognition ? (choiceFor(m.recognition, choices) ?? m.recognition) : '';
        break;
      case 'location':
        message.text = [m.label, m.locationX && m.locationY ? `(${m.locationX}, ${m.locationY})` : ''].filter(Boolean).join(' ');
        break;
      case 'link':
        message.text = [m.title, m.url].filter(Boolean).join('\n');
        break;
      case 'image':
        message.text = '';
        message.attachments = [await imageEvidence(m)];
        break;
      case 'video':
      case 'shortvideo':
        // Not an accepted evidence type: the bot says so in the customer's language (nothing is downloaded).
        message.text = '';
        message.attachments = [{ name: 'video', contentType: 'video/mp4', contentUrl: 'rejected:type' }];
        break;
      default:
        message.text = m.content ?? '';
    }
    return message;
  }

  /** The image, downloaded through the media API and stored like any evidence (the bot is told its hash). */
  async function imageEvidence(m: WeChatInbound): Promise<NonNullable<Activity['attachments']>[number]> {
    const name = `wechat-${m.msgId ?? m.createTime}.jpg`;
    if (!m.mediaId) return { name, contentType: 'image/jpeg', contentUrl: UNREACHABLE };
    try {
      const media = await deps.api.getMedia(m.mediaId, settings.evidence.maxBytes);
      if (media === 'too_large') return { name, contentType: 'image/jpeg', contentUrl: 'rejected:too_large' };
      const contentType = media.contentType.startsWith('image/') ? media.contentType : 'image/jpeg';
      const problem = checkFile(media.bytes, contentType, settings.evidence);
      if (problem) return { name, contentType, contentUrl: `rejected:${problem}` };
      const stored = await deps.evidenceStore.put(media.bytes, { name, contentType });
      return { name, contentType: stored.contentType, contentUrl: `${EVIDENCE_URL_PREFIX}${stored.sha256}` };
    } catch (err) {
      logger.warn({ err: { message: (err as Error).message } }, 'wechat: an image could not be downloaded');
      return { name, contentType: 'image/jpeg', contentUrl: UNREACHABLE };
    }
  }

  return Object.assign(router, {
    async settled(): Promise<void> {
      while (inFlight.size) await Promise.all([...inFlight]);
    },
  });
}

/** A URL the evidence intake never fetches (not http): the bot tells the customer to send the file again. */
const UNREACHABLE = 'wechat-media:unavailable';

type Kind = 'message' | 'subscribe' | 'unsubscribe' | 'menu' | 'ignore';

function sameChoices(a: string[] | null, b: string[] | null): boolean {
  if (!a || !b) return a === b || (!a?.length && !b?.length);
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

function classify(m: WeChatInbound): Kind {
  if (m.msgType !== 'event') return 'message';
  const event = (m.event ?? '').toLowerCase();
  if (event === 'subscribe') return 'subscribe';
  if (event === 'unsubscribe') return 'unsubscribe';
  if (event === 'click' && m.eventKey && MENU_KEYS[m.eventKey]) return 'menu';
  // Location reports, template delivery reports, view clicks, scans of a followed account: nothing to answer.
  return 'ignore';
}

function wrap(fn: (req: Request, res: Response) => Promise<void>) {
  return (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };
}
