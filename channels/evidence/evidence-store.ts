/**
 * Where customers' files live: content-addressed by SHA-256, so the ticket's hash is also the
 * key, the same file stored twice is stored once, and a file cannot change under its hash.
 */
export interface StoredFile {
  sha256: string;
  size: number;
  contentType: string;
  name: string;
}

export interface EvidenceStore {
  readonly kind: 'gridfs' | 'folder';
  put(bytes: Buffer, meta: { name: string; contentType: string }): Promise<StoredFile>;
  /** Metadata of a stored file, or null. */
  stat(sha256: string): Promise<StoredFile | null>;
  read(sha256: string): Promise<Buffer | null>;
}

export const SHA256 = /^[a-f0-9]{64}$/;
