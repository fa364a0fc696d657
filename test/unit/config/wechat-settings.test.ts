import { ConfigError, loadConfig } from '../../../src/config/load-config';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

const ON = { WECHAT_TOKEN: 'wxToken2026', WECHAT_APP_ID: 'wx0123456789abcdef', WECHAT_APP_SECRET: '0123456789abcdef0123456789abcdef' };

describe('WeChat settings', () => {
  it('when no WeChat key is set, then the channel is off; with the three, it is on in plain mode', () => {
    const off = loadConfig({});
    expect(off.WECHAT_TOKEN).toBeUndefined();
    expect(off.WECHAT_API_URL).toBe('https://api.weixin.qq.com/');
    const on = loadConfig(ON);
    expect(on.WECHAT_ENCODING_AES_KEY).toBeUndefined();
    expect(on.WECHAT_TEMPLATE_RESULT).toBeUndefined();
  });

  it('when only part of the channel is configured, then the start names each missing key, in every environment', () => {
    expect(problems({ WECHAT_TOKEN: 'wxToken2026' })).toEqual([expect.stringMatching(/^WECHAT_APP_ID: is required with WECHAT_TOKEN/), expect.stringMatching(/^WECHAT_APP_SECRET: is required/)]);
    expect(problems({ ...ON, WECHAT_APP_SECRET: '' })).toEqual([expect.stringMatching(/^WECHAT_APP_SECRET: is required/)]);
    expect(problems({ WECHAT_TEMPLATE_RESULT: 'tMpl_RESULT_0123456789' }).map((l) => l.split(':')[0])).toEqual(['WECHAT_TOKEN', 'WECHAT_APP_ID', 'WECHAT_APP_SECRET']);
    expect(problems({ NODE_ENV: 'production', CONTACT_HASH_SECRET: 'x'.repeat(16), AUDIT_SECRET: 'y'.repeat(16), API_KEYS: `hotline:${'a'.repeat(64)}`, DASHBOARD_SECRET: 'z'.repeat(32), WECHAT_APP_ID: 'wx0123456789abcdef' })).toHaveLength(2);
  });

  it('when a value is malformed, then it is named and secrets are not echoed', () => {
    const lines = problems({ ...ON, WECHAT_APP_ID: 'gh_123', WECHAT_ENCODING_AES_KEY: 'secret-aes-key-value', WECHAT_APP_SECRET: 'secret with spaces', WECHAT_TEMPLATE_SURVEY: 'short' });
    expect(lines.find((l) => l.startsWith('WECHAT_APP_ID:'))).toMatch(/wx followed by 16 hex/);
    expect(lines.find((l) => l.startsWith('WECHAT_ENCODING_AES_KEY:'))).toMatch(/43-character/);
    expect(lines.find((l) => l.startsWith('WECHAT_TEMPLATE_SURVEY:'))).toMatch(/template id/);
    expect(lines.join('\n')).not.toContain('secret-aes-key-value');
    expect(lines.join('\n')).not.toContain('secret with spaces');
  });
});
