/** A customer channel (the shape channels/customer-channel.ts implements) that records what it is given, and can refuse. */
import type { CustomerChannelPort } from '../../src/jobs/customer-delivery';
import type { ChannelName, Language } from '../../src/domain/taxonomy';

type Message = Parameters<CustomerChannelPort['send']>[1];

export class FakeCustomerChannel implements CustomerChannelPort {
  readonly sent: Array<{ conversationRef: string; text: string; language: Language; from?: { kind: string; name?: string }; kind?: string; choices?: Message['choices'] }> = [];
  /** While set, every send fails with this message. */
  failure: string | null = null;
  /** What the channel says about the way a message went (e.g. WeChat outside its window: queued, waiting). */
  answer: { via: string; waiting?: boolean } | undefined = undefined;

  constructor(readonly name: ChannelName) {}

  async send(conversationRef: string, message: Message): Promise<{ via: string; waiting?: boolean } | void> {
    if (this.failure) throw new Error(this.failure);
    this.sent.push({ conversationRef, ...message });
    return this.answer;
  }
}
