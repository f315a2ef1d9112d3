import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { renderSlackHome } from '../../../src/chat/slack/render-slack-command';
import { collectOverview } from '../../../src/remediation/overview';
import type { SlackApp, SlackDeps } from '../deps';

export const EVENT = 'app_home_opened';

/** The App Home tab shows the same overview as `/secrets status`. */
export function register(app: SlackApp, deps: SlackDeps): void {
  app.event(EVENT, async (args) => {
    const { event, client } = args as SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;
    if (event.tab && event.tab !== 'home') return;
    try {
      await client.views.publish({ user_id: event.user, view: renderSlackHome(await collectOverview(deps), { locale: deps.locale }) });
    } catch (err) {
      deps.logger.warn({ err }, 'could not publish the App Home tab');
    }
  });
}
