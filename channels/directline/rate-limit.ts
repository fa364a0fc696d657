/** A token bucket per conversation (per instance): `perMinute` messages, refilled continuously. */
export class ConversationRateLimit {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly perMinute: number) {}

  /** Seconds to wait, or 0 when the message may pass (and is counted). */
  take(conversationId: string, now = Date.now()): number {
    const b = this.buckets.get(conversationId) ?? { tokens: this.perMinute, at: now };
    b.tokens = Math.min(this.perMinute, b.tokens + ((now - b.at) / 60_000) * this.perMinute);
    b.at = now;
    if (b.tokens < 1) {
      this.buckets.set(conversationId, b);
      return Math.ceil(((1 - b.tokens) / this.perMinute) * 60);
    }
    b.tokens -= 1;
    this.buckets.set(conversationId, b);
    if (this.buckets.size > 50_000) this.buckets.clear();
    return 0;
  }
}
