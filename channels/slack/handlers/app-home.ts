/** App Home: the agent's open tickets with their deadlines, most urgent first (published when the tab opens). */
import type { App } from '@slack/bolt';
import { homeView, LIST_LIMIT } from '../blocks/lists';
import type { SlackHandlerDeps } from './common';

export function registerAppHome(app: App, deps: SlackHandlerDeps): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    const userId = event.user;
    deps.background.run('app home', async () => {
      const tickets = await deps.queries.openOwnedBy(userId, 200);
      await client.views.publish({ user_id: userId, view: homeView(tickets.slice(0, LIST_LIMIT), tickets.length, deps.text, deps.clock.now()) });
    });
  });
}
