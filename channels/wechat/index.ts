/**
 * The WeChat Official Account channel, composed: the `/wechat` endpoint running the same bot as
 * the other channels, the shared access_token, the messenger (customer-service messages,
 * template messages, the waiting queue) and the CustomerChannel the delivery worker uses.
 *
 * Shaped so WeCom's customer service (微信客服) can be added beside it: the crypto is the same
 * scheme (CorpID for AppID), the adapter, renderer, store and messenger take an account id and
 * an API client; only the endpoint's message shapes and the API calls differ.
 */
import type { Express } from 'express';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { TurnContext } from 'botbuilder';
import type { Config } from '../../src/config/schema';
import type { EvidenceStore } from '../evidence/evidence-store';
import type { EvidenceLimits } from '../evidence/evidence-intake';
import { AccessTokenStore, type AccessTokenOptions } from './access-token';
import { WeChatAdapter } from './wechat-adapter';
import { WeChatApi } from './wechat-api';
import { WeChatCustomerChannel } from './wechat-customer-channel';
import { WeChatMessenger } from './wechat-messenger';
import { wechatRouter } from './wechat-router';
import { WeChatStore } from './wechat-store';

export interface WeChatOptions {
  /** How long a message's dialog may run before the post is answered "success" (default 4000 ms of WeChat's 5 s). */
  replyBudgetMs?: number;
  tokens?: AccessTokenOptions;
  apiTimeoutMs?: number;
}

export interface WeChatEdge {
  mount(app: Express): void;
  channel: WeChatCustomerChannel;
  store: WeChatStore;
  api: WeChatApi;
  tokens: AccessTokenStore;
  messenger: WeChatMessenger;
  /** Retention: forget processed-message records older than `before`. */
  trim(before: Date): Promise<number>;
}

/** On when the token, AppID and AppSecret are set (the schema refuses half of them). */
export function wechatConfigured(config: Config): config is Config & { WECHAT_TOKEN: string; WECHAT_APP_ID: string; WECHAT_APP_SECRET: string } {
  return !!(config.WECHAT_TOKEN && config.WECHAT_APP_ID && config.WECHAT_APP_SECRET);
}

export function createWeChatEdge(
  deps: { config: Config; logger: Logger; conn: Connection; evidence: EvidenceStore; limits: EvidenceLimits; run: (context: TurnContext) => Promise<void> },
  options: WeChatOptions = {},
): WeChatEdge | null {
  const { config, conn } = deps;
  if (!wechatConfigured(config)) return null;
  const logger = deps.logger.child({ channel: 'wechat' });
  const appId = config.WECHAT_APP_ID;
  const api = new WeChatApi({ baseUrl: config.WECHAT_API_URL, appId, appSecret: config.WECHAT_APP_SECRET, ...(options.apiTimeoutMs ? { timeoutMs: options.apiTimeoutMs } : {}) });
  const tokens = new AccessTokenStore(conn, appId, () => api.fetchAccessToken(), options.tokens);
  api.useTokens(tokens);
  const store = new WeChatStore(conn, appId);
  const messenger = new WeChatMessenger(api, store, { templates: { result: config.WECHAT_TEMPLATE_RESULT, survey: config.WECHAT_TEMPLATE_SURVEY }, timeZone: config.SLA_TIMEZONE }, logger);
  const adapter = new WeChatAdapter();
  adapter.onTurnError = async (_context, err) => logger.error({ err: { message: (err as Error).message } }, 'wechat turn failed');
  const channel = new WeChatCustomerChannel(appId, messenger);
  return {
    mount(app) {
      app.use(
        wechatRouter({
          settings: { token: config.WECHAT_TOKEN, appId, encodingAesKey: config.WECHAT_ENCODING_AES_KEY, replyBudgetMs: options.replyBudgetMs ?? 4000, evidence: deps.limits },
          store,
          adapter,
          api,
          messenger,
          evidenceStore: deps.evidence,
          run: deps.run,
          logger,
        }),
      );
    },
    channel,
    store,
    api,
    tokens,
    messenger,
    trim: (before) => store.trim(before),
  };
}
