/** The manifest sets up what the code uses: every endpoint at /slack/events, the command, the events and the scopes of the Web API methods called. */
import fs from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '../../..');
const manifest = fs.readFileSync(path.join(root, 'channels/slack/manifest.yml'), 'utf8');

function sources(dir: string): string {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .map((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? fs.readFileSync(path.join(dir, e.name), 'utf8') : ''))
    .join('\n');
}

describe('Slack app manifest', () => {
  const code = sources(path.join(root, 'channels/slack'));

  it('when installed, then events, interactivity and the command all arrive at POST /slack/events', () => {
    const urls = [...manifest.matchAll(/(?:url|request_url): (\S+)/g)].map((m) => m[1]);
    expect(urls).toHaveLength(3);
    for (const u of urls) expect(u).toBe('https://YOUR-HOST/slack/events');
    expect(manifest).toMatch(/command: \/complaints/);
    expect(code).toContain("app.command('/complaints'");
  });

  it('when the code calls a Web API method or listens to an event, then the manifest grants it', () => {
    const needs: Array<[RegExp, string]> = [
      [/chat\.(postMessage|update|postEphemeral)\(/, 'chat:write'],
      [/reactions\.add\(/, 'reactions:write'],
      [/conversations\.history\(/, 'channels:history'],
      [/usergroups\.users\.list\(/, 'usergroups:read'],
      [/app\.command\(/, 'commands'],
      [/files\.uploadV2\(/, 'files:write'],
      [/conversations\.open\(/, 'im:write'],
    ];
    for (const [call, scope] of needs) {
      expect(code).toMatch(call);
      expect(manifest).toContain(`- ${scope}`);
    }
    expect(code).toContain("app.event('app_home_opened'");
    expect(manifest).toContain('- app_home_opened');
    expect(code).toContain("app.event('message'");
    expect(manifest).toContain('- message.channels');
    expect(manifest).toContain('- message.groups');
  });
});
