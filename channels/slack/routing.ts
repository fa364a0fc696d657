/**
 * Which Slack channel a ticket goes to: the first route of the routing file (SLACK_ROUTING_FILE)
 * whose category and severity match, else SLACK_CHANNEL (or the file's `default`). Major and
 * high-risk tickets also go to the escalation channel, mentioning the supervisors. New tickets of
 * customers flagged as malicious go to the review channel (SLACK_REVIEW_CHANNEL) when one is set.
 *
 *   { "default": "C0GENERAL",
 *     "escalation": "C0URGENT",
 *     "routes": [
 *       { "category": "billing", "channel": "C0BILLING" },
 *       { "category": ["safety", "product_quality"], "severity": "major", "channel": "C0SAFETY" } ] }
 */
import fs from 'node:fs';
import { z } from 'zod';
import { CATEGORIES, SEVERITIES, type Category, type Severity } from '../../src/domain/taxonomy';

const channelId = z.string().regex(/^[CG][A-Z0-9]{2,}$/, { message: 'must be a channel ID such as C0123456789' });
const oneOrMany = <T extends readonly [string, ...string[]]>(values: T) => z.union([z.enum(values), z.array(z.enum(values)).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));

const fileSchema = z
  .object({
    default: channelId.optional(),
    escalation: channelId.optional(),
    routes: z
      .array(z.object({ category: oneOrMany(CATEGORIES).optional(), severity: oneOrMany(SEVERITIES).optional(), channel: channelId }).strict())
      .default([]),
  })
  .strict();

export interface Routing {
  routes: Array<{ category?: Category[]; severity?: Severity[]; channel: string }>;
  defaultChannel: string;
  escalationChannel: string | null;
  /** Where new tickets of customers flagged as malicious go (null: their routed channel, marked). */
  reviewChannel?: string | null;
}

export class RoutingFileError extends Error {
  override readonly name = 'RoutingFileError';
}

export function loadRouting(settings: { file?: string | undefined; channel?: string | undefined; escalationChannel?: string | undefined; reviewChannel?: string | undefined }): Routing {
  let parsed: z.output<typeof fileSchema> = { routes: [] };
  if (settings.file) {
    let data: unknown;
    try {
      data = JSON.parse(fs.readFileSync(settings.file, 'utf8'));
    } catch (err) {
      throw new RoutingFileError(`SLACK_ROUTING_FILE ${settings.file}: ${(err as Error).message}`);
    }
    const r = fileSchema.safeParse(data);
    if (!r.success) {
      throw new RoutingFileError(`SLACK_ROUTING_FILE ${settings.file}: ${r.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ')}`);
    }
    parsed = r.data;
  }
  const defaultChannel = settings.channel ?? parsed.default;
  if (!defaultChannel) throw new RoutingFileError('Slack: set SLACK_CHANNEL (or "default" in SLACK_ROUTING_FILE): new tickets need a channel');
  return { routes: parsed.routes, defaultChannel, escalationChannel: settings.escalationChannel ?? parsed.escalation ?? null, reviewChannel: settings.reviewChannel ?? null };
}

export function routeOf(routing: Routing, t: { category: Category; severity: Severity; flags?: { suspectedMalicious?: unknown } }): string {
  if (t.flags?.suspectedMalicious && routing.reviewChannel) return routing.reviewChannel;
  const hit = routing.routes.find((r) => (!r.category || r.category.includes(t.category)) && (!r.severity || r.severity.includes(t.severity)));
  return hit?.channel ?? routing.defaultChannel;
}

/** Does the ticket also go to the escalation channel? */
export function escalates(t: { severity: Severity; flags: { highRisk: boolean } }): boolean {
  return t.severity === 'major' || t.flags.highRisk;
}
