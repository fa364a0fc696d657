/** Evidence limits and the folder store: content-addressed, type checked by magic bytes, size capped. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FolderEvidenceStore } from '../../../channels/evidence/folder-evidence-store';
import { checkFile, StoredEvidenceIntake } from '../../../channels/evidence/evidence-intake';

const limits = { maxBytes: 1024, types: ['image/png', 'image/jpeg', 'application/pdf', 'text/plain'] };
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), crypto.randomBytes(100)]);

describe('checkFile', () => {
  it.each([
    [png, 'image/png', null],
    [png, 'image/jpeg', 'type'],
    [Buffer.from('<html>'), 'image/png', 'type'],
    [Buffer.from('%PDF-1.7'), 'application/pdf', null],
    [Buffer.from('plain words'), 'text/plain; charset=utf-8', null],
    [Buffer.from('#!/bin/sh'), 'application/x-sh', 'type'],
    [Buffer.alloc(2048), 'text/plain', 'too_large'],
  ])('when a file of %#, declared %s, arrives, then the answer is %s', (bytes, type, expected) => {
    expect(checkFile(bytes as Buffer, type as string, limits)).toBe(expected);
  });
});

describe('FolderEvidenceStore with the intake', () => {
  it('when the same photo arrives twice under two names, then it is stored once under its hash and read back intact', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evidence-'));
    try {
      const store = new FolderEvidenceStore(dir);
      const intake = new StoredEvidenceIntake(store, limits);
      const url = `data:image/png;base64,${png.toString('base64')}`;
      const [a, b, tooBig, remote] = await intake.accept(
        [
          { name: 'one.png', contentType: 'image/png', contentUrl: url },
          { name: 'two.png', contentType: 'image/png', contentUrl: url },
          { name: 'big.txt', contentType: 'text/plain', contentUrl: `data:text/plain;base64,${Buffer.alloc(4096, 65).toString('base64')}` },
          { name: 'remote.png', contentType: 'image/png', contentUrl: 'http://example.com/x.png' },
        ],
        { serviceUrl: 'http://connector.test' },
      );
      const sha = crypto.createHash('sha256').update(png).digest('hex');
      expect(a).toEqual({ ok: true, evidence: { name: 'one.png', contentType: 'image/png', size: png.length, sha256: sha } });
      expect(b).toMatchObject({ ok: true, evidence: { name: 'two.png', sha256: sha } });
      expect(tooBig).toEqual({ ok: false, name: 'big.txt', reason: 'too_large' });
      expect(remote).toEqual({ ok: false, name: 'remote.png', reason: 'unreachable' });
      expect((await store.read(sha))!.equals(png)).toBe(true);
      expect(fs.readdirSync(path.join(dir, sha.slice(0, 2))).filter((f) => !f.endsWith('.json'))).toEqual([sha]);
      expect(await store.read('0'.repeat(64))).toBeNull();
      expect(await store.stat('../../etc/passwd')).toBeNull();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
