import { Writable } from 'node:stream';
import { createLogger, pathOnly, redactUri, safeError } from '../../../src/logging/logger';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { logger: createLogger('debug', stream), text: () => lines.join('') };
}

describe('logging', () => {
  it('when an object with personal fields is logged, then contact, name, text and codes are redacted', () => {
    const { logger, text } = capture();
    logger.info(
      { ticket: '2026000001', customer: { name: '张三', contact: { phone: '13812345678' } }, phone: '13912345678', email: 'li@example.com', description: '我的热水壶漏电', lookupCode: 'ABCDEFGH23' },
      'filed',
    );
    const out = text();
    expect(out).toContain('2026000001');
    for (const secret of ['13812345678', '13912345678', 'li@example.com', '漏电', 'ABCDEFGH23', '张三']) expect(out).not.toContain(secret);
  });

  it('when a driver error carrying the failed documents is logged, then only type, code and a scrubbed message remain', () => {
    const { logger, text } = capture();
    const err = Object.assign(new Error('E11000 duplicate key: { phone: "13812345678", email: "li@example.com" }'), {
      name: 'MongoBulkWriteError',
      code: 11000,
      writeErrors: [{ op: { customer: { contact: { phone: '13812345678' } }, description: 'secret text' } }],
      keyValue: { phone: '13812345678' },
    });
    logger.error({ err }, 'write failed');
    const out = text();
    expect(out).toContain('MongoBulkWriteError');
    expect(out).toContain('11000');
    expect(out).not.toContain('13812345678');
    expect(out).not.toContain('li@example.com');
    expect(out).not.toContain('secret text');
  });

  it('when errors and URLs are shaped for logs, then causes are kept, credentials and query strings dropped', () => {
    const e = safeError(new Error('outer', { cause: new Error('inner 13800001111') }));
    expect(e).toMatchObject({ type: 'Error', message: 'outer', cause: { message: 'inner [digits]' } });
    expect(safeError('plain')).toEqual({ message: 'plain' });
    expect(redactUri('mongodb://admin:hunter2@db:27017/x')).toBe('mongodb://***@db:27017/x');
    expect(pathOnly('/api/complaints/2026000001?code=ABC')).toBe('/api/complaints/2026000001');
  });
});
