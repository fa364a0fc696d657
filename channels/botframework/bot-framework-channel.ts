/**
 * Bot Framework: CloudAdapter at POST /api/messages (JSON parsed on this route only). With a
 * MicrosoftAppId set, every request's JWT is validated and replies are signed; without one
 * (local use, Bot Framework Emulator) auth is off. Agent replies reach the customer later as
 * proactive messages through the conversation reference stored at filing.
 */
import express, { type Router } from 'express';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type TurnContext,
} from 'botbuilder';
import type { Logger } from 'pino';
import type { ConversationReference } from 'botbuilder';
import type { CustomerChannel, CustomerMessage } from '../customer-channel';
import { parseConversationRef } from '../customer-channel';
import { choicesCard } from '../directline/directline-customer-channel';

export interface BotFrameworkSettings {
  MicrosoftAppId?: string | undefined;
  MicrosoftAppPassword?: string | undefined;
  MicrosoftAppType: string;
  MicrosoftAppTenantId?: string | undefined;
  /** Largest activity accepted (JSON). */
  bodyLimit: string;
  /** Without an app id, channel authentication is off: allowed for local use only, refused in production. */
  production: boolean;
}

export function createCloudAdapter(s: BotFrameworkSettings, logger: Logger): CloudAdapter {
  const credentials = new ConfigurationServiceClientCredentialFactory({
    MicrosoftAppId: s.MicrosoftAppId ?? '',
    MicrosoftAppPassword: s.MicrosoftAppPassword ?? '',
    MicrosoftAppType: s.MicrosoftAppType,
    MicrosoftAppTenantId: s.MicrosoftAppTenantId ?? '',
  });
  const auth = new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: s.MicrosoftAppId ?? '', MicrosoftAppTenantId: s.MicrosoftAppTenantId ?? '' }, credentials);
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context, err) => {
    // Reached only for errors outside the bot's own handling (it answers the customer itself).
    logger.error({ err, channel: context.activity.channelId }, 'bot framework turn failed');
  };
  return adapter;
}

export function botFrameworkRouter(adapter: CloudAdapter, run: (context: TurnContext) => Promise<void>, s: BotFrameworkSettings): Router {
  const router = express.Router();
  if (s.production && !s.MicrosoftAppId) {
    // Unauthenticated Bot Framework traffic would let anyone speak for any conversation.
    router.post('/api/messages', (_req, res) => {
      res.status(503).json({ error: { code: 'botframework.not_configured', message: 'Bot Framework is not configured: set MicrosoftAppId and MicrosoftAppPassword.' } });
    });
    return router;
  }
  router.post(
    '/api/messages',
    express.json({ limit: s.bodyLimit, strict: true, type: () => true }),
    async (req, res, next) => {
      if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body) || typeof (req.body as { type?: unknown }).type !== 'string') {
        res.status(400).json({ error: { code: 'activity.invalid', message: 'The body must be a Bot Framework activity (a JSON object with a type).' } });
        return;
      }
      try {
        await adapter.process(req, res, run);
      } catch (err) {
        next(err);
      }
    },
  );
  return router;
}

export class BotFrameworkCustomerChannel implements CustomerChannel {
  readonly name = 'botframework' as const;

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
  ) {}

  async send(conversationRef: string, message: CustomerMessage): Promise<void> {
    const ref = parseConversationRef(conversationRef);
    await this.adapter.continueConversationAsync(this.appId, ref as Partial<ConversationReference>, async (context) => {
      await context.sendActivity({ type: 'message', text: message.text, ...(message.from?.name ? { channelData: { agent: { name: message.from.name } } } : {}), ...choicesCard(message) });
    });
  }
}
