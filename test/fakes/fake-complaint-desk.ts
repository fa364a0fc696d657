/**
 * In-memory fakes of the dialogs' ports (dialogs/ports.ts), for dialog unit tests only;
 * integration and end-to-end tests use the real service and database.
 */
import crypto from 'node:crypto';
import type { ComplaintDraft } from '../../dialogs/complaint-draft';
import {
  DeskError,
  type ComplaintDesk,
  type CustomerActor,
  type DialogDeps,
  type EvidenceIntake,
  type EvidenceOutcome,
  type EvidenceRef,
  type FiledTicket,
  type FilingContext,
  type IncomingAttachment,
  type TicketView,
} from '../../dialogs/ports';
import { CATEGORY_LABELS, type Category } from '../../src/domain/taxonomy';
import type { TicketStatus } from '../../src/domain/state-machine';
import { inScript } from '../../dialogs/language';

export interface FakeTicket {
  number: string;
  draft: ComplaintDraft;
  ctx: FilingContext;
  category: Category;
  status: TicketStatus;
  hasOwner: boolean;
  personRequested: boolean;
  additions: Array<{ text?: string; evidence?: EvidenceRef[]; actor: CustomerActor }>;
  reclassified: Category[];
  lookupCode: string;
  phoneLast4: string | null;
}

export class FakeComplaintDesk implements ComplaintDesk {
  readonly tickets: FakeTicket[] = [];
  private readonly byKey = new Map<string, FakeTicket>();
  /** The next N calls of `file` fail as if the database were away. */
  failNextFilings = 0;
  /** The classifier's answer for the next filings. */
  classification: { category: Category; needsConfirmation: boolean; candidates: Category[] } = { category: 'product_quality', needsConfirmation: false, candidates: ['product_quality'] };
  now = new Date('2026-11-20T02:00:00Z');
  private seq = 0;

  async file(draft: ComplaintDraft, ctx: FilingContext): Promise<FiledTicket> {
    if (this.failNextFilings > 0) {
      this.failNextFilings--;
      throw new DeskError('unavailable', 'database away');
    }
    if (!draft.description || !(draft.phone || draft.email)) throw new DeskError('invalid', 'description and contact are required');
    const existing = this.byKey.get(ctx.idempotencyKey);
    if (existing) return this.filed(existing, null);
    const t: FakeTicket = {
      number: `2026${String(++this.seq).padStart(6, '0')}`,
      draft: structuredClone(draft),
      ctx,
      category: this.classification.category,
      status: 'new',
      hasOwner: false,
      personRequested: !!ctx.personRequested,
      additions: [],
      reclassified: [],
      lookupCode: crypto.randomBytes(5).toString('hex').toUpperCase().replace(/[0-9]/g, 'K'),
      phoneLast4: draft.phone ? draft.phone.replace(/\D/g, '').slice(-4) : null,
    };
    this.tickets.push(t);
    this.byKey.set(ctx.idempotencyKey, t);
    return this.filed(t, t.lookupCode);
  }

  private filed(t: FakeTicket, lookupCode: string | null): FiledTicket {
    return {
      number: t.number,
      category: t.category,
      needsConfirmation: this.classification.needsConfirmation,
      candidates: this.classification.candidates,
      deadlines: this.deadlines(),
      lookupCode,
    };
  }

  private deadlines() {
    return { firstContact: new Date(this.now.getTime() + 3600_000), resolution: new Date(this.now.getTime() + 3 * 86_400_000) };
  }

  private view(t: FakeTicket): TicketView {
    return { number: t.number, status: t.status, category: t.category, hasOwner: t.hasOwner, deadlines: this.deadlines() };
  }

  private find(number: string): FakeTicket {
    const t = this.tickets.find((x) => x.number === number);
    if (!t) throw new DeskError('not_found', 'no such ticket');
    return t;
  }

  async lookup(number: string, v: { code?: string; last4?: string }): Promise<TicketView> {
    const t = this.tickets.find((x) => x.number === number);
    if (!t || !((v.code && v.code === t.lookupCode) || (v.last4 && v.last4 === t.phoneLast4))) throw new DeskError('verification_failed', 'no match');
    return this.view(t);
  }

  async reclassify(number: string, category: Category): Promise<TicketView> {
    const t = this.find(number);
    t.category = category;
    t.reclassified.push(category);
    return this.view(t);
  }

  async addInformation(number: string, addition: { text?: string; evidence?: EvidenceRef[] }, actor: CustomerActor): Promise<void> {
    this.find(number).additions.push({ ...addition, actor });
  }

  async ticketStatus(number: string): Promise<TicketView | null> {
    const t = this.tickets.find((x) => x.number === number);
    return t ? this.view(t) : null;
  }

  /** Ratings and appeals the dialogs recorded. */
  readonly ratings: Array<{ number: string; rating: number }> = [];
  readonly appeals: Array<{ number: string; reason: string }> = [];

  async rate(number: string, rating: number): Promise<{ closed: boolean; offerAppeal: boolean }> {
    this.ratings.push({ number, rating });
    return { closed: rating >= 3, offerAppeal: rating <= 2 };
  }

  async appeal(number: string, reason: string): Promise<void> {
    this.appeals.push({ number, reason });
  }

  async requestPerson(number: string): Promise<void> {
    this.find(number).personRequested = true;
  }
}

/** Accepts `data:` URLs (hashing their bytes) and refuses files over `maxBytes`. */
export class FakeEvidence implements EvidenceIntake {
  readonly stored: EvidenceRef[] = [];
  constructor(private readonly maxBytes = 1024 * 1024) {}

  async accept(attachments: IncomingAttachment[]): Promise<EvidenceOutcome[]> {
    return attachments.map((a) => {
      const name = a.name ?? 'file';
      const m = /^data:([^;,]+)?(;base64)?,(.*)$/.exec(a.contentUrl ?? '');
      if (!m) return { ok: false, name, reason: 'unreachable' };
      const bytes = m[2] ? Buffer.from(m[3]!, 'base64') : Buffer.from(decodeURIComponent(m[3]!));
      if (bytes.length > this.maxBytes) return { ok: false, name, reason: 'too_large' };
      const evidence = { name, contentType: a.contentType, size: bytes.length, sha256: crypto.createHash('sha256').update(bytes).digest('hex') };
      this.stored.push(evidence);
      return { ok: true, evidence };
    });
  }
}

export function fakeDeps(desk = new FakeComplaintDesk(), evidence = new FakeEvidence()): DialogDeps & { desk: FakeComplaintDesk; evidence: FakeEvidence } {
  return {
    desk,
    evidence,
    settings: {
      timeZone: 'Asia/Shanghai',
      defaultCurrency: 'CNY',
      maxMessageChars: 5000,
      maxEvidenceMb: 1,
      categoryLabel: (c, lang) => (lang === 'en' ? CATEGORY_LABELS[c].en : inScript(CATEGORY_LABELS[c].zh, lang)),
      now: () => desk.now,
    },
  };
}
