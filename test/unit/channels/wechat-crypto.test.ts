/**
 * WeChat's signature and safe-mode encryption against a published vector, and round trips.
 *
 * The vector is Tencent's own: the Python sample shipped with the Official Account message
 * encryption download (WXBizMsgCrypt "Sample.py", author jonyqin, 2014-09-11 — read from the copy
 * at github.com/charlesXu86/Chatbot_CN, Chatbot_Web/impl/weixin/Sample.py): token "spamtest",
 * EncodingAESKey "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", AppID "wx2c2769f8efd9abc2",
 * timestamp "1409735669", nonce "1320562132", msg_signature "5d197aaffba7e9b25a30732f161a50dee96bd5fa"
 * and the ciphertext below, which decrypts to a text message "abcdteT" with MsgId 6054768590064713728.
 */
import { aesKeyOf, signatureMatches, wechatSignature, WeChatCipher, WeChatCryptoError } from '../../../channels/wechat/wechat-crypto';
import { parseInbound } from '../../../channels/wechat/wechat-xml';
import { decryptAsWeChat, encryptAsWeChat, sha1Sorted } from '../../fixtures/wechat-requests';

const SAMPLE = {
  token: 'spamtest',
  aesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  appId: 'wx2c2769f8efd9abc2',
  timestamp: '1409735669',
  nonce: '1320562132',
  msgSignature: '5d197aaffba7e9b25a30732f161a50dee96bd5fa',
  encrypt:
    'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=',
};

describe('WeChat crypto', () => {
  it("when Tencent's sample is checked, then its msg_signature matches and its ciphertext decrypts to the sample's message", () => {
    expect(wechatSignature(SAMPLE.token, SAMPLE.timestamp, SAMPLE.nonce, SAMPLE.encrypt)).toBe(SAMPLE.msgSignature);
    const xml = new WeChatCipher(SAMPLE.aesKey, SAMPLE.appId).decrypt(SAMPLE.encrypt);
    const m = parseInbound(xml);
    expect(m).toMatchObject({ toUser: 'gh_10f6c3c3ac5a', fromUser: 'oyORnuP8q7ou2gfYjqLzSIWZf0rs', createTime: 1409735668, msgType: 'text', content: 'abcdteT' });
    // A 64-bit MsgId stays exact (a JavaScript number would round it).
    expect(m.msgId).toBe('6054768590064713728');
  });

  it('when the sample is decrypted for another AppID, then it is refused as not ours', () => {
    expect(() => new WeChatCipher(SAMPLE.aesKey, 'wx0000000000000000').decrypt(SAMPLE.encrypt)).toThrow(expect.objectContaining({ code: 'wrong_app' }));
  });

  it('when a message is encrypted here, then the documented algorithm (written out in the test) decrypts it, and back', () => {
    const appId = 'wx0123456789abcdef';
    const cipher = new WeChatCipher(SAMPLE.aesKey, appId);
    for (const text of ['', 'a', '我是中文abcd123', 'x'.repeat(31), 'y'.repeat(32), '😀'.repeat(100)]) {
      const enc = cipher.encrypt(text);
      expect(Buffer.from(enc, 'base64').length % 32).toBe(0);
      expect(decryptAsWeChat(enc, SAMPLE.aesKey)).toEqual({ message: text, appId });
      expect(cipher.decrypt(encryptAsWeChat(text, appId, SAMPLE.aesKey))).toBe(text);
    }
    // Random prefix: the same message never encrypts the same twice.
    expect(cipher.encrypt('same')).not.toBe(cipher.encrypt('same'));
  });

  it('when the signature is computed, then it is SHA-1 over the sorted parts, and comparisons refuse anything else', () => {
    expect(wechatSignature('token', '1409735669', '1320562132')).toBe(sha1Sorted('1320562132', '1409735669', 'token'));
    const s = wechatSignature('a', 'b', 'c');
    expect(signatureMatches(s, s)).toBe(true);
    expect(signatureMatches(s, s.toUpperCase())).toBe(true);
    expect(signatureMatches(s, s.slice(1))).toBe(false);
    expect(signatureMatches(s, undefined)).toBe(false);
    expect(signatureMatches(s, ['x'])).toBe(false);
  });

  it('when a ciphertext is damaged or the key is wrong, then decryption fails with a reason, never with garbage', () => {
    const cipher = new WeChatCipher(SAMPLE.aesKey, SAMPLE.appId);
    const bytes = Buffer.from(SAMPLE.encrypt, 'base64');
    expect(() => cipher.decrypt(bytes.subarray(0, 30).toString('base64'))).toThrow(WeChatCryptoError);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 1]! ^= 0xff;
    expect(() => cipher.decrypt(flipped.toString('base64'))).toThrow(WeChatCryptoError);
    expect(() => new WeChatCipher('Z'.repeat(43), SAMPLE.appId).decrypt(SAMPLE.encrypt)).toThrow(WeChatCryptoError);
    expect(() => aesKeyOf('too-short')).toThrow(expect.objectContaining({ code: 'bad_key' }));
  });
});
