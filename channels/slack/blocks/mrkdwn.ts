/**
 * Putting text into Slack's mrkdwn safely. Customer text is escaped (`&`, `<`, `>`), so nobody can
 * write `<!channel>`, `<@U…>` or a link with a fake label into a ticket message.
 */

/** Escape the three characters Slack's mrkdwn gives meaning to. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Undo Slack's escaping of message text (what the Events API sends). */
export function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Cut `text` to at most `max` characters (whole code points), marking the cut. */
export function truncate(text: string, max: number): { text: string; cut: boolean } {
  const chars = [...text];
  if (chars.length <= max) return { text, cut: false };
  return { text: chars.slice(0, Math.max(0, max - 1)).join('') + '…', cut: true };
}

/** Customer text as an mrkdwn quote: escaped, each line quoted, cut to `max` characters. */
export function quoteCustomerText(text: string, max: number): { text: string; cut: boolean } {
  const t = truncate(text.trim(), max);
  const body = escapeMrkdwn(t.text)
    .split('\n')
    .map((l) => `>${l}`)
    .join('\n');
  return { text: body, cut: t.cut };
}

/** A date Slack shows in each reader's time zone, with a fallback in the desk's zone. */
export function slackDate(d: Date, timeZone: string): string {
  const fallback = new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'short' }).format(d);
  return `<!date^${Math.floor(d.getTime() / 1000)}^{date_short_pretty} {time}|${fallback}>`;
}

/** A Slack user mention (shown by the user's current name). */
export function mention(userId: string): string {
  return /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

/** Split long text into pieces of at most `size` characters (Slack's section text limit is 3000). */
export function chunks(text: string, size: number): string[] {
  const chars = [...text];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out.length ? out : [''];
}
