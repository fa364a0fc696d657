/**
 * WeChat's message signatures and safe-mode (安全模式) encryption, with Node's own crypto.
 *
 * - `signature` = SHA-1 (hex) of token, timestamp and nonce, sorted as strings and concatenated;
 *   `msg_signature` adds the ciphertext (the `Encrypt` element) to the sorted list.
 * - The AES key is the 43-character `EncodingAESKey` plus "=" decoded from Base64 (32 bytes);
 *   AES-256-CBC, IV = the key's first 16 bytes. Plaintext = 16 random bytes, the message's
 *   length as 4 bytes big-endian, the message (UTF-8), the AppID; padded PKCS#7-style to a
 *   multiple of 32 bytes (not AES's 16), so padding is removed by hand.
 *
 * The same scheme serves WeCom (企业微信 / 微信客服), with the CorpID in place of the AppID.
 * Pure functions: no I/O, nothing logged.
 */
import crypto from 'node:crypto';

const BLOCK = 32;

/** SHA-1 hex of the parts sorted as strings and concatenated (both `signature` and `msg_signature`). */
export function wechatSignature(...parts: string[]): string {
  return crypto.createHash('sha1').update([...parts].sort().join('')).digest('hex');
}

/** Constant-time comparison of two hex signatures (a wrong length is simply false). */
export function signatureMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(given.toLowerCase()));
}

export class WeChatCryptoError extends Error {
  override name = 'WeChatCryptoError';
  constructor(
    readonly code: 'bad_key' | 'bad_ciphertext' | 'bad_padding' | 'bad_length' | 'wrong_app',
    message: string,
  ) {
    super(message);
  }
}

/** `EncodingAESKey` → the 32-byte AES key; throws on anything else. */
export function aesKeyOf(encodingAesKey: string): Buffer {
  if (!/^[A-Za-z0-9]{43}$/.test(encodingAesKey)) throw new WeChatCryptoError('bad_key', 'EncodingAESKey must be 43 letters and digits');
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new WeChatCryptoError('bad_key', 'EncodingAESKey does not decode to 32 bytes');
  return key;
}

export class WeChatCipher {
  private readonly key: Buffer;
  private readonly iv: Buffer;

  /** `appId`: the Official Account's AppID (or a WeCom CorpID): what a message must end with. */
  constructor(
    encodingAesKey: string,
    private readonly appId: string,
  ) {
    this.key = aesKeyOf(encodingAesKey);
    this.iv = this.key.subarray(0, 16);
  }

  /** Base64 ciphertext of a message (the `Encrypt` element). `random` is for tests with fixed vectors. */
  encrypt(message: string, random: Buffer = crypto.randomBytes(16)): string {
    if (random.length !== 16) throw new RangeError('random must be 16 bytes');
    const body = Buffer.from(message, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length, 0);
    const plain = Buffer.concat([random, length, body, Buffer.from(this.appId, 'utf8')]);
    const pad = BLOCK - (plain.length % BLOCK);
    const padded = Buffer.concat([plain, Buffer.alloc(pad, pad)]);
    const cipher = crypto.createCipheriv('aes-256-cbc', this.key, this.iv);
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
  }

  /** The message inside a ciphertext; throws a WeChatCryptoError when it is not one of ours. */
  decrypt(encrypted: string): string {
    const data = Buffer.from(encrypted, 'base64');
    if (!data.length || data.length % 16 !== 0) throw new WeChatCryptoError('bad_ciphertext', 'the ciphertext is not whole AES blocks');
    const decipher = crypto.createDecipheriv('aes-256-cbc', this.key, this.iv);
    decipher.setAutoPadding(false);
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data), decipher.final()]);
    } catch {
      throw new WeChatCryptoError('bad_ciphertext', 'the ciphertext could not be decrypted');
    }
    const pad = plain[plain.length - 1]!;
    if (pad < 1 || pad > BLOCK || pad > plain.length) throw new WeChatCryptoError('bad_padding', 'the padding is invalid');
    for (let i = plain.length - pad; i < plain.length; i++) if (plain[i] !== pad) throw new WeChatCryptoError('bad_padding', 'the padding is invalid');
    const content = plain.subarray(16, plain.length - pad);
    if (content.length < 4) throw new WeChatCryptoError('bad_length', 'the message is too short');
    const length = content.readUInt32BE(0);
    if (length > content.length - 4) throw new WeChatCryptoError('bad_length', 'the message length is wrong');
    const appId = content.subarray(4 + length).toString('utf8');
    if (appId !== this.appId) throw new WeChatCryptoError('wrong_app', 'the message is for another AppID');
    return content.subarray(4, 4 + length).toString('utf8');
  }
}
