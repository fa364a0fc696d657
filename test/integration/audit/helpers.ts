/** Shared helpers of the audit/outbox/sweep integration tests (not a test file). */
import type { Connection } from 'mongoose';
import type { Ticket } from '../../../src/domain/ticket';
import type { AuditRecord } from '../../../src/store/audit-log';
import { complaintBody, type TestServer } from '../../support/server';

export const API_ACTOR = { kind: 'api' as const, id: 'rest' };
export const AGENT_U1 = { kind: 'agent' as const, id: 'U1' };

/** File `n` complaints through the service, each with its own customer contact. */
export async function fileComplaints(server: TestServer, n: number): Promise<Ticket[]> {
  const out: Ticket[] = [];
  for (let i = 0; i < n; i++) {
    const r = await server.complaints.file(
      complaintBody({ customer: { name: `Customer ${i}`, phone: `+86 139 0000 ${String(1000 + i)}`, email: `customer${i}@example.com` } }),
      { actor: API_ACTOR },
    );
    out.push(r.ticket);
  }
  return out;
}

/** Every audit document, in sequence order, as stored. */
export async function auditDocs(conn: Connection): Promise<AuditRecord[]> {
  return (await conn.collection('audit_log').find({}).sort({ _id: 1 }).toArray()) as unknown as AuditRecord[];
}

export function auditColl(conn: Connection) {
  return conn.collection<Record<string, unknown>>('audit_log');
}
