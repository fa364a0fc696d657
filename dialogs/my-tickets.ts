/**
 * "My complaints" (我的投诉; a WeChat menu key sends it too): the status of the latest tickets this
 * conversation filed. They are its own, so no verification is asked. Answered from the router and,
 * mid-way through another question, by the bot before it asks that question again.
 */
import type { TurnContext } from 'botbuilder';
import { DeskError, type DialogDeps } from './ports';
import { statusText } from './status-dialog';
import { say } from './turn-context';

/** How many of the latest tickets are shown. */
export const MY_TICKETS_SHOWN = 5;

export async function myTicketsText(context: TurnContext, deps: DialogDeps, own: readonly string[]): Promise<string> {
  const m = say(context);
  if (!own.length) return m.noTicketsYet;
  const latest = own.slice(-MY_TICKETS_SHOWN).reverse();
  const views = await Promise.all(
    latest.map((n) =>
      deps.desk.ticketStatus(n).catch((err: unknown) => {
        if (err instanceof DeskError) return null;
        throw err;
      }),
    ),
  );
  const lines = views.filter((v) => v !== null).map((v) => statusText(context, deps, v));
  if (!lines.length) return m.unavailable;
  return [m.myTickets(lines.length, own.length), ...lines].join('\n\n');
}
