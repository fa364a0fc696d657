/**
 * Reclassification by agents and customers: who decided is recorded, the SLA follows the new
 * category/severity, the change is audited and announced, and it becomes training data that
 * `npm run train -- --with-feedback` reads.
 */
import { ValidationError } from '../../../src/domain/errors';
import { feedbackToExamples, loadFeedbackExamples } from '../../../nlp-models/scripts/feedback';
import { testServerUri } from '../../support/db';
import { MongoFeedbackStore, type LabelledFeedback } from '../../../src/store/mongo-feedback';
import { complaintBody, startTestServer, type TestServer } from '../../support/server';

describe('reclassification', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.stop());

  let customer = 0;
  // Each filing by a different customer, so none is a repeat (which would raise severity).
  async function file(extra: Record<string, unknown> = {}) {
    customer++;
    const r = await s.post('/api/complaints', complaintBody({ severity: 'general', customer: { phone: `+86 137 0000 ${String(customer).padStart(4, '0')}` }, ...extra }));
    expect(r.status).toBe(201);
    return r.body.number as string;
  }

  it('when an agent changes category and severity, then the ticket records the agent, re-plans the SLA, audits it and stores a labelled example', async () => {
    const n = await file();
    const before = await s.complaints.get(n);
    const after = await s.complaints.reclassify(n, { category: 'billing', severity: 'major' }, { kind: 'agent', id: 'U_AGENT' });
    expect(after).toMatchObject({ category: 'billing', severity: 'major', version: 2 });
    expect(after.classification.categoryDecidedBy).toBe('agent');
    expect(after.classification.severityDecidedBy).toBe('agent');
    // The service preset gives major tickets 7 working days instead of 3: the resolution deadline moves later.
    const due = (t: typeof before) => new Date(t.sla.deadlines.find((d) => d.kind === 'resolution')!.dueAt!).getTime();
    expect(due(after)).toBeGreaterThan(due(before));
    expect(after.sla.startedAt).toEqual(before.sla.startedAt);

    const conn = s.database.conn;
    await s.effects.drain();
    expect((await s.repository.feed.entryOf(n, 2))?.events).toEqual(['ticket.reclassified']);
    expect(await conn.collection('audit_log').findOne({ key: `${n}:2`, action: 'ticket.reclassify' })).not.toBeNull();
    const fb = await conn.collection('classification_feedback').findOne({ _id: `${n}:2` as never });
    expect(fb).toMatchObject({ ticketNumber: n, category: 'billing', severity: 'major', decidedBy: 'agent' });
    expect(fb!.predicted.modelVersion).toBe(before.classification.modelVersion);
    // The example points at the ticket; its text is not copied (it stays erasable in one place).
    expect(fb).not.toHaveProperty('text');
    expect(JSON.stringify(fb)).not.toContain('kettle');
  });

  it('when a customer picks a category, then it is recorded as the customer’s decision; a customer cannot set severity', async () => {
    const n = await file();
    const t = await s.complaints.reclassify(n, { category: 'after_sales' }, { kind: 'customer', id: 'conv-1' });
    expect(t.classification.categoryDecidedBy).toBe('customer');
    expect(t.classification.severityDecidedBy).toBe('api');
    await expect(s.complaints.reclassify(n, { severity: 'major' }, { kind: 'customer', id: 'conv-1' })).rejects.toBeInstanceOf(ValidationError);
    await expect(s.complaints.reclassify(n, {}, { kind: 'agent', id: 'U1' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('when the feedback store is read for training, then each ticket contributes its latest decision once', async () => {
    const n = await file();
    await s.complaints.reclassify(n, { category: 'contract' }, { kind: 'agent', id: 'U1' });
    await s.complaints.reclassify(n, { category: 'billing' }, { kind: 'agent', id: 'U2' });
    await s.effects.drain();
    const records: LabelledFeedback[] = [];
    for await (const r of new MongoFeedbackStore(s.database.conn).all()) records.push(r);
    const mine = feedbackToExamples(records).filter((e) => e.origin === `feedback:${n}`);
    expect(mine).toEqual([{ text: expect.stringContaining('kettle'), label: 'billing', severity: 'general', origin: `feedback:${n}` }]);
  });

  it('when train --with-feedback loads examples, then it reads the configured database through MONGODB_URI/MONGODB_DB', async () => {
    const n = await file();
    await s.complaints.reclassify(n, { category: 'service_attitude' }, { kind: 'agent', id: 'U3' });
    await s.effects.drain();
    const saved = { ...process.env };
    try {
      process.env.MONGODB_URI = testServerUri();
      process.env.MONGODB_DB = s.dbName;
      const examples = await loadFeedbackExamples();
      expect(examples.find((e) => e.origin === `feedback:${n}`)).toMatchObject({ label: 'service_attitude' });
    } finally {
      process.env = saved;
    }
  });
});
