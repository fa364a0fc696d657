/**
 * Spike alerts (seed 001, crisis response) in the escalation channel, mentioning the supervisors.
 * The core decides and records each alert once (src/reports/spikes.ts) and calls this sink; a
 * failed post is thrown back and the alert is posted by the next upkeep run. Product names are
 * customers' words: escaped.
 */
import type { webApi } from '@slack/bolt';
import type { AlertSink, SpikeAlert } from '../../src/reports/ports';
import { escapeMrkdwn } from './blocks/mrkdwn';
import { deliveryErrorOf } from './slack-api';
import type { SlackText } from './slack-text';

export class SlackSpikeAlerts implements AlertSink {
  readonly name = 'slack';

  constructor(
    private readonly deps: { client: webApi.WebClient; channel: string; text: SlackText; supervisorMention: string },
  ) {}

  message(a: SpikeAlert): string {
    const m = this.deps.text.m.command;
    const subject = a.dimension === 'category' ? m.spikeCategory(escapeMrkdwn(this.deps.text.category(a.key as never))) : m.spikeProduct(escapeMrkdwn(a.key));
    return m.spike(this.deps.supervisorMention, subject, a.count, (Math.round(a.baseline * 10) / 10).toString(), a.baselineDays, String(a.factor));
  }

  async notify(alert: SpikeAlert): Promise<void> {
    const text = this.message(alert);
    try {
      await this.deps.client.chat.postMessage({ channel: this.deps.channel, text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }], unfurl_links: false });
    } catch (err) {
      throw deliveryErrorOf(err, 'spike alert');
    }
  }
}
