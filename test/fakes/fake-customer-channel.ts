/** A customer channel (the shape channels/customer-channel.ts implements) that records what it is given, and can refuse. */
import type { CustomerChannelPort } from '../../src/jobs/customer-delivery';
import type { ChannelName, Language } from '../../src/domain/taxonomy';

export class FakeCustomerChannel implements CustomerChannelPort {
  readonly sent: Array<{ conversationRef: string; text: string; language: Language; from?: { kind: string; name?: string } }> = [];
  /** While set, every send fails with this message. */
  failure: string | null = null;

  constructor(readonly name: ChannelName) {}

  async send(conversationRef: string, message: { text: string; language: Language; from?: { kind: 'agent' | 'system'; name?: string } }): Promise<void> {
    if (this.failure) throw new Error(this.failure);
    this.sent.push({ conversationRef, ...message });
  }
}
