/**
 * Evidence in GridFS in the service's own database (bucket `evidence`). The file's `_id` is its
 * SHA-256: storing is "stat by `_id`, upload if absent", and a race of two uploads of one file
 * ends in a duplicate key on the chunks' unique index, which means "already there". Checked on
 * FerretDB 1.24: uploads and `_id` stats are exact-key operations; reading a file back queries
 * the chunks by `files_id`, which FerretDB answers by scanning the chunks collection — fine for
 * an agent opening a photo now and then, not for bulk export (use MongoDB or the folder store).
 */
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import mongoose, { type Connection } from 'mongoose';
import type { EvidenceStore, StoredFile } from './evidence-store';

const BUCKET = 'evidence';

interface FileDoc {
  _id: string;
  length: number;
  filename: string;
  metadata?: { contentType?: string };
}

export class GridFsEvidenceStore implements EvidenceStore {
  readonly kind = 'gridfs' as const;

  constructor(private readonly conn: Connection) {}

  private bucket() {
    if (!this.conn.db) throw new Error('database not connected');
    return new mongoose.mongo.GridFSBucket(this.conn.db, { bucketName: BUCKET, chunkSizeBytes: 255 * 1024 });
  }

  async put(bytes: Buffer, meta: { name: string; contentType: string }): Promise<StoredFile> {
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    const existing = await this.stat(sha256);
    if (existing) return { ...existing, name: meta.name };
    const upload = this.bucket().openUploadStreamWithId(sha256 as unknown as mongoose.mongo.ObjectId, meta.name, { metadata: { contentType: meta.contentType } });
    try {
      await new Promise<void>((resolve, reject) => {
        Readable.from([bytes]).pipe(upload).on('error', reject).on('finish', () => resolve());
      });
    } catch (err) {
      const e = err as { code?: unknown };
      if (e.code !== 11000 && e.code !== 11001) throw err;
    }
    return { sha256, size: bytes.length, contentType: meta.contentType, name: meta.name };
  }

  async stat(sha256: string): Promise<StoredFile | null> {
    const doc = await this.conn.collection<FileDoc>(`${BUCKET}.files`).findOne({ _id: sha256 });
    if (!doc) return null;
    return { sha256, size: doc.length, contentType: doc.metadata?.contentType ?? 'application/octet-stream', name: doc.filename };
  }

  async read(sha256: string): Promise<Buffer | null> {
    if (!(await this.stat(sha256))) return null;
    const chunks: Buffer[] = [];
    for await (const c of this.bucket().openDownloadStream(sha256 as unknown as mongoose.mongo.ObjectId)) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }
}
