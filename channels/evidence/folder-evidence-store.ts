/** Evidence in a folder: `<dir>/<first two hex>/<sha256>` plus a small JSON of its metadata; written to a temp name and renamed. */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { SHA256, type EvidenceStore, type StoredFile } from './evidence-store';

export class FolderEvidenceStore implements EvidenceStore {
  readonly kind = 'folder' as const;

  constructor(private readonly dir: string) {}

  private file(sha256: string): string {
    return path.join(this.dir, sha256.slice(0, 2), sha256);
  }

  async put(bytes: Buffer, meta: { name: string; contentType: string }): Promise<StoredFile> {
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    const target = this.file(sha256);
    const stored: StoredFile = { sha256, size: bytes.length, contentType: meta.contentType, name: meta.name };
    if (await this.stat(sha256)) return stored;
    await fs.mkdir(path.dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    await fs.writeFile(tmp, bytes);
    await fs.rename(tmp, target);
    await fs.writeFile(`${target}.json`, JSON.stringify(stored));
    return stored;
  }

  async stat(sha256: string): Promise<StoredFile | null> {
    if (!SHA256.test(sha256)) return null;
    try {
      return JSON.parse(await fs.readFile(`${this.file(sha256)}.json`, 'utf8')) as StoredFile;
    } catch {
      return null;
    }
  }

  async read(sha256: string): Promise<Buffer | null> {
    if (!(await this.stat(sha256))) return null;
    return fs.readFile(this.file(sha256)).catch(() => null);
  }
}
