/** Attachments a customer sends become evidence through the storage port; each refusal is told in their language. */
import type { TurnContext } from 'botbuilder';
import type { DialogDeps, EvidenceRef, IncomingAttachment } from './ports';
import { say } from './turn-context';

export async function acceptEvidence(context: TurnContext, deps: DialogDeps, attachments: IncomingAttachment[]): Promise<EvidenceRef[]> {
  const files = attachments.filter((a) => a && typeof a.contentType === 'string' && (a.contentUrl || (a as { content?: unknown }).content === undefined));
  // Cards and other non-file attachments carry no contentUrl: they are not evidence.
  const withUrl = files.filter((a) => typeof a.contentUrl === 'string' && a.contentUrl.length > 0);
  if (!withUrl.length) return [];
  const outcomes = await deps.evidence.accept(
    withUrl.map((a) => ({ name: a.name ?? 'file', contentType: a.contentType, contentUrl: a.contentUrl })),
    { serviceUrl: context.activity.serviceUrl },
  );
  const m = say(context);
  const saved: EvidenceRef[] = [];
  for (const o of outcomes) {
    if (o.ok) saved.push(o.evidence);
    else if (o.reason === 'too_large') await context.sendActivity(m.evidenceTooLarge(o.name, deps.settings.maxEvidenceMb));
    else if (o.reason === 'type') await context.sendActivity(m.evidenceType(o.name));
    else await context.sendActivity(m.evidenceUnreachable(o.name));
  }
  if (saved.length) await context.sendActivity(m.evidenceSaved(saved.length));
  return saved;
}
