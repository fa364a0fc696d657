/**
 * Walk the audit chain and name the first entry that was edited, removed or reordered.
 */
import type { Connection } from 'mongoose';
import { supportModels } from './models/support-models';
import { GENESIS_HASH, auditId, hashEntry, type AuditRecord } from './audit-log';

export type AuditProblemKind = 'edited' | 'removed' | 'reordered' | 'head_mismatch';

export interface AuditProblem {
  kind: AuditProblemKind;
  seq: number;
  key: string | null;
  message: string;
}

export interface AuditVerifyResult {
  ok: boolean;
  entries: number;
  head: { seq: number; hash: string } | null;
  problem: AuditProblem | null;
}

export async function verifyAuditChain(
  conn: Connection,
  options: { secret?: string; expectHead?: { seq: number; hash: string } } = {},
): Promise<AuditVerifyResult> {
  const model = supportModels(conn).Audit;
  const cursor = model.find({}).sort({ _id: 1 }).lean<AuditRecord[]>().cursor();
  let prev: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH };
  let count = 0;
  const fail = (problem: AuditProblem): AuditVerifyResult => ({ ok: false, entries: count, head: prev.seq ? prev : null, problem });

  for await (const raw of cursor) {
    const e = raw as unknown as AuditRecord;
    count++;
    const seq = Number(e.seq);
    const idSeq = Number(e._id);
    if (!Number.isSafeInteger(idSeq) || idSeq < 1 || String(e._id) !== auditId(idSeq)) {
      // Not an id the audit log writes (e.g. a document slipped in among the entries).
      return fail({
        kind: 'reordered',
        seq: prev.seq + 1,
        key: typeof e.key === 'string' ? e.key : null,
        message: `a foreign document (id ${JSON.stringify(String(e._id))}) sits after entry ${prev.seq}: it was not written by the audit log`,
      });
    }
    if (seq !== idSeq) {
      return fail({ kind: 'reordered', seq: idSeq, key: e.key, message: `entry ${idSeq} holds sequence ${seq}: entries were reordered` });
    }
    if (seq !== prev.seq + 1) {
      return fail({
        kind: 'removed',
        seq: prev.seq + 1,
        key: null,
        message:
          seq > prev.seq + 1
            ? `entr${seq - prev.seq > 2 ? 'ies' : 'y'} ${prev.seq + 1}${seq - prev.seq > 2 ? `–${seq - 1}` : ''} removed (the chain jumps from ${prev.seq} to ${seq})`
            : `entry ${seq} appears twice`,
      });
    }
    const recomputed = hashEntry(
      { seq, key: e.key, at: new Date(e.at), actor: e.actor, action: e.action, entity: e.entity, before: e.before, after: e.after, prevHash: e.prevHash },
      options.secret,
    );
    if (recomputed !== e.hash) {
      return fail({ kind: 'edited', seq, key: e.key, message: `entry ${seq} (${e.action} ${e.entity?.id ?? ''}) was edited: its content does not match its hash` });
    }
    if (e.prevHash !== prev.hash) {
      return fail({
        kind: 'reordered',
        seq,
        key: e.key,
        message: `entry ${seq} (${e.action} ${e.entity?.id ?? ''}) does not follow entry ${prev.seq}: an entry before it was replaced, removed or reordered`,
      });
    }
    const anchor = options.expectHead;
    if (anchor && seq === anchor.seq && e.hash !== anchor.hash) {
      // The anchor is a head recorded earlier: the chain may have grown since, but the entry at
      // the anchor's sequence must still carry the anchored hash, or everything up to it was rebuilt.
      return fail({
        kind: 'head_mismatch',
        seq,
        key: e.key,
        message: `entry ${seq} does not match the anchor ${anchor.seq}:${anchor.hash.slice(0, 12)}…: the chain up to it was rewritten`,
      });
    }
    prev = { seq, hash: e.hash };
  }
  if (options.expectHead && prev.seq < options.expectHead.seq) {
    return fail({
      kind: 'head_mismatch',
      seq: options.expectHead.seq,
      key: null,
      message: `the chain ends at ${prev.seq} but the anchor says ${options.expectHead.seq} (${options.expectHead.hash.slice(0, 12)}…): entries at the end were removed`,
    });
  }
  return { ok: true, entries: count, head: count ? prev : null, problem: null };
}
