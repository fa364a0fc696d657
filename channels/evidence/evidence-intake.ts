/**
 * The dialogs' EvidenceIntake port: turns what a channel hands over (a `data:` URL, a file this
 * service already stored from a Direct Line upload, or a URL on the channel's own service) into
 * a stored file with its hash, within the size and type limits. Other URLs are not fetched, so a
 * customer cannot make the service call arbitrary hosts.
 */
import type { EvidenceIntake, EvidenceOutcome, IncomingAttachment } from '../../dialogs/ports';
import type { EvidenceStore } from './evidence-store';

export const EVIDENCE_URL_PREFIX = 'evidence:';

export interface EvidenceLimits {
  maxBytes: number;
  types: readonly string[];
}

/** Magic numbers of the accepted binary types: a file must be what it says it is. */
const MAGIC: Record<string, (b: Buffer) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8,
  'image/png': (b) => b.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])),
  'image/gif': (b) => b.subarray(0, 3).toString('latin1') === 'GIF',
  'image/webp': (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  'application/pdf': (b) => b.subarray(0, 4).toString('latin1') === '%PDF',
};

export function checkFile(bytes: Buffer, contentType: string, limits: EvidenceLimits): 'too_large' | 'type' | null {
  if (bytes.length > limits.maxBytes) return 'too_large';
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (!limits.types.includes(type)) return 'type';
  const magic = MAGIC[type];
  if (magic && !magic(bytes)) return 'type';
  return null;
}

export class StoredEvidenceIntake implements EvidenceIntake {
  constructor(
    private readonly store: EvidenceStore,
    private readonly limits: EvidenceLimits,
    private readonly fetchTimeoutMs = 10_000,
  ) {}

  async accept(attachments: IncomingAttachment[], from: { serviceUrl?: string }): Promise<EvidenceOutcome[]> {
    return Promise.all(attachments.map((a) => this.acceptOne(a, from)));
  }

  private async acceptOne(a: IncomingAttachment, from: { serviceUrl?: string }): Promise<EvidenceOutcome> {
    const name = (a.name ?? 'file').slice(0, 200) || 'file';
    const url = a.contentUrl ?? '';
    try {
      const rejected = /^rejected:(too_large|type)$/.exec(url);
      if (rejected) return { ok: false, name, reason: rejected[1] as 'too_large' | 'type' };
      if (url.startsWith(EVIDENCE_URL_PREFIX)) {
        const stat = await this.store.stat(url.slice(EVIDENCE_URL_PREFIX.length));
        if (!stat) return { ok: false, name, reason: 'unreachable' };
        return { ok: true, evidence: { name, contentType: stat.contentType, size: stat.size, sha256: stat.sha256 } };
      }
      const bytes = url.startsWith('data:') ? decodeDataUrl(url, this.limits.maxBytes) : await this.download(url, from.serviceUrl);
      if (bytes === 'too_large') return { ok: false, name, reason: 'too_large' };
      if (!bytes) return { ok: false, name, reason: 'unreachable' };
      const problem = checkFile(bytes, a.contentType, this.limits);
      if (problem) return { ok: false, name, reason: problem };
      const stored = await this.store.put(bytes, { name, contentType: a.contentType.split(';')[0]!.trim().toLowerCase() });
      return { ok: true, evidence: { name, contentType: stored.contentType, size: stored.size, sha256: stored.sha256 } };
    } catch {
      return { ok: false, name, reason: 'unreachable' };
    }
  }

  /** Download from the channel's own service only (the Emulator and Bot Framework serve attachments there). */
  private async download(url: string, serviceUrl: string | undefined): Promise<Buffer | 'too_large' | null> {
    let target: URL;
    let service: URL;
    try {
      target = new URL(url);
      service = new URL(serviceUrl ?? '');
    } catch {
      return null;
    }
    if (target.origin !== service.origin || !/^https?:$/.test(target.protocol)) return null;
    const res = await fetch(target, { signal: AbortSignal.timeout(this.fetchTimeoutMs), redirect: 'error' });
    if (!res.ok || !res.body) return null;
    const declared = Number(res.headers.get('content-length') ?? 0);
    if (declared > this.limits.maxBytes) return 'too_large';
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      total += chunk.length;
      if (total > this.limits.maxBytes) return 'too_large';
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
  }
}

function decodeDataUrl(url: string, max: number): Buffer | 'too_large' | null {
  const m = /^data:([^,]*?)(;base64)?,(.*)$/s.exec(url);
  if (!m) return null;
  if (m[3]!.length > max * 1.4 + 16) return 'too_large';
  return m[2] ? Buffer.from(m[3]!, 'base64') : Buffer.from(decodeURIComponent(m[3]!), 'utf8');
}
