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

describe('Slack settings', () => {
  it('when no Slack key is set, then Slack is off and the defaults are documented ones', () => {
    const c = loadConfig({});
    expect(c.SLACK_BOT_TOKEN).toBeUndefined();
    expect(c.SLACK_API_URL).toBe('https://slack.com/api/');
    expect(c.SLACK_THREAD_DEFAULT).toBe('internal');
    expect(c.SLACK_SEND_PREFIX).toBe('>>');
    expect(c.SLACK_RATE_PER_CHANNEL).toBe(1);
  });

  it('when one key is set without the other or without a channel, then start-up names what is missing, without echoing secrets', () => {
    const lines = problems({ SLACK_BOT_TOKEN: 'xoxb-1-2-supersecret' });
    expect(lines).toEqual([expect.stringMatching(/^SLACK_SIGNING_SECRET: is required with SLACK_BOT_TOKEN/)]);
    expect(problems({ SLACK_SIGNING_SECRET: 'abcdefgh12345678' })).toEqual([expect.stringMatching(/^SLACK_BOT_TOKEN: is required with SLACK_SIGNING_SECRET/)]);
    // Socket Mode needs no signing secret.
    expect(problems({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1-A-1-x', SLACK_CHANNEL: 'C0ABC' })).toEqual([]);
    expect(problems({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'abcdefgh12345678' })).toEqual([expect.stringMatching(/^SLACK_CHANNEL: is required/)]);
    const bad = problems({ SLACK_BOT_TOKEN: 'xoxp-user-token-secret', SLACK_SIGNING_SECRET: 'abcdefgh12345678', SLACK_CHANNEL: '#complaints' });
    expect(bad.find((l) => l.startsWith('SLACK_BOT_TOKEN:'))).toMatch(/xoxb-/);
    expect(bad.join('\n')).not.toContain('xoxp-user-token-secret');
    expect(bad.find((l) => l.startsWith('SLACK_CHANNEL:'))).toMatch(/channel ID/);
  });

  it('when supervisors are given, then user IDs and one user group are told apart, and anything else is refused', () => {
    expect(loadConfig({ SLACK_SUPERVISORS: 'U0AAA, W0BBB ,S0CCC' }).SLACK_SUPERVISORS).toEqual({ users: ['U0AAA', 'W0BBB'], group: 'S0CCC' });
    expect(problems({ SLACK_SUPERVISORS: 'U0AAA,@bob' })[0]).toMatch(/@bob/);
    expect(problems({ SLACK_SUPERVISORS: 'S0AAA,S0BBB' })[0]).toMatch(/at most one user group/);
  });
});
