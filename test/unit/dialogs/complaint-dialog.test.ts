/** The intake dialogs turn by turn with DialogTestClient, in zh and en, against fakes of the dialogs' own port. */
import { ConversationState, MemoryStorage, type Activity } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { MainDialog } from '../../../dialogs/main-dialog';
import { ConversationLanguage } from '../../../dialogs/turn-context';
import { fakeDeps } from '../../fakes/fake-complaint-desk';
import { complaintCases, type UserTurn } from './cases/complaint.cases';

function text(a: Partial<Activity> | undefined): string {
  if (!a) return '';
  const facts = (a.attachments ?? []).flatMap((att) => {
    const body = (att.content as { body?: Array<{ text?: string }> } | undefined)?.body ?? [];
    return body.map((b) => (b.text ?? '').replace(/\*\*/g, '').replace(/\\(.)/g, '$1'));
  });
  const buttons = (a.suggestedActions?.actions ?? []).map((x) => x.title);
  return [a.text ?? '', ...facts, ...buttons].join('\n');
}

export function newClient(locale?: string) {
  const deps = fakeDeps();
  const state = new ConversationState(new MemoryStorage());
  const client = new DialogTestClient('test', new MainDialog(deps), { own: [] }, [new ConversationLanguage(state.createProperty('language'))], state);
  const send = async (turn: UserTurn): Promise<string> => {
    const activity: Partial<Activity> = typeof turn === 'string' ? { type: 'message', text: turn } : turn;
    if (locale) activity.locale = locale;
    const replies = [await client.sendActivity(activity)];
    for (let r = client.getNextReply(); r; r = client.getNextReply()) replies.push(r);
    return replies.map((r) => text(r as Partial<Activity>)).join('\n---\n');
  };
  return { deps, client, send };
}

describe('complaint intake dialogs', () => {
  it.each(complaintCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { deps, client, send } = newClient(c.locale);
    c.setup?.(deps.desk);
    for (const [turn, expected, unexpected] of c.steps) {
      const replies = await send(turn);
      for (const e of expected) expect(`${JSON.stringify(turn)} → ${replies}`).toContain(e);
      for (const u of unexpected ?? []) expect(`${replies}`).not.toContain(u);
    }
    expect(client.dialogTurnResult.status).toBe(c.expectedStatus);
    c.expectedDesk?.(deps.desk);
  });
});
