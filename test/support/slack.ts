/**
 * The real service with its Slack app on, talking to a local fake of Slack's Web API; nock
 * blocks every other host, so nothing leaves the machine.
 */
import nock from 'nock';
import { FakeSlack } from '../fakes/fake-slack';
import { SIGNING_SECRET } from '../fixtures/slack-requests';
import { complaintBody, startTestServer, type TestServer } from './server';
import type { StartOptions } from '../../src/server/app';

export const AGENTS_CHANNEL = 'C0AGENTS1';
export const ESCALATION_CHANNEL = 'C0ESCALAT';

export function slackEnv(fake: FakeSlack, env: Record<string, string> = {}): Record<string, string> {
  return {
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_API_URL: fake.apiUrl,
    SLACK_CHANNEL: AGENTS_CHANNEL,
    SLACK_LANGUAGE: 'en',
    ...env,
  };
}

/** Fast timings for tests; the pace stays per channel, just quicker than Slack's 1/s. */
export function slackOptions(extra: StartOptions = {}): StartOptions {
  return {
    ...extra,
    slack: { retryConfig: { retries: 0 }, outbox: { intervalMs: 50, backoffMs: 30, maxBackoffMs: 300 }, ...extra.slack },
    customerDelivery: { intervalMs: 50, backoffMs: 30, maxBackoffMs: 300, ...extra.customerDelivery },
  };
}

export async function startSlackServer(fake: FakeSlack, env: Record<string, string> = {}, options: StartOptions = {}): Promise<TestServer> {
  return startTestServer(slackEnv(fake, { SLACK_RATE_PER_CHANNEL: '50', ...env }), slackOptions(options));
}

export function blockNetwork(): void {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
}

export function restoreNetwork(): void {
  nock.cleanAll();
  nock.enableNetConnect();
}

/** Everything committed so far delivered to Slack and to customers, and every handler's work done. */
export async function settle(server: TestServer): Promise<void> {
  await server.complaints.settled(); // filings answered so far are in the change feed
  await server.slack!.idle();
  // The reporting counters behind /complaints stats follow the feed too.
  await server.reports.worker.drain(30_000);
  await server.customerDelivery.drain(30_000);
  await server.slack!.worker.drain(30_000);
  await server.slack!.idle();
}

export async function file(server: TestServer, overrides: Record<string, unknown> = {}): Promise<string> {
  const r = await server.post('/api/complaints', complaintBody(overrides));
  if (r.status !== 201) throw new Error(`filing failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.number as string;
}

/** The root message the outbox posted for a ticket (its metadata names the ticket). */
export function rootPost(fake: FakeSlack, number: string) {
  return fake.callsOf('chat.postMessage').find((c) => c.args.metadata?.event_payload?.number === number && !c.args.thread_ts);
}

/** The ts the fake gave a root post (the n-th successful postMessage gets the n-th ts). */
export async function rootTs(fake: FakeSlack, server: TestServer, number: string): Promise<{ channel: string; ts: string }> {
  await settle(server);
  const doc = await server.database.conn.collection('slack_threads').findOne({ _id: number as never });
  if (!doc?.ts) throw new Error(`no root message for ${number}`);
  return { channel: String(doc.channel), ts: String(doc.ts) };
}

export function allText(blocks: unknown): string {
  return JSON.stringify(blocks ?? []);
}
