/**
 * Who is a supervisor: the Slack user IDs of SLACK_SUPERVISORS, and the members of its user group
 * (asked of Slack with `usergroups.users.list`, remembered for five minutes). When Slack cannot
 * be asked, nobody gains rights by it: the answer is no.
 */
import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';

export interface SupervisorSettings {
  users: string[];
  group: string | null;
}

export class Supervisors {
  private members: { ids: Set<string>; until: number } | null = null;

  constructor(
    private readonly settings: SupervisorSettings,
    private readonly client: webApi.WebClient,
    private readonly logger: Logger,
    private readonly ttlMs = 5 * 60_000,
  ) {}

  /** How the escalation notice mentions the supervisors. */
  mention(): string {
    if (this.settings.group) return `<!subteam^${this.settings.group}>`;
    return this.settings.users.map((u) => `<@${u}>`).join(' ');
  }

  async has(userId: string): Promise<boolean> {
    if (this.settings.users.includes(userId)) return true;
    if (!this.settings.group) return false;
    if (!this.members || this.members.until < Date.now()) {
      try {
        const res = await this.client.usergroups.users.list({ usergroup: this.settings.group });
        this.members = { ids: new Set(res.users ?? []), until: Date.now() + this.ttlMs };
      } catch (err) {
        this.logger.warn({ err: { message: (err as Error).message }, group: this.settings.group }, 'slack: supervisors\' user group could not be read; treating the user as not a supervisor');
        return false;
      }
    }
    return this.members.ids.has(userId);
  }
}
