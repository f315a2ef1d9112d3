import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { registerSlack, SLACK_BOT_SCOPES, type SlackApp, type SlackDeps } from '../../../handlers/slack';
import { renderSlackAlert } from '../../../src/chat/slack/render-slack-alert';
import { renderSlackMuteModal } from '../../../src/chat/slack/render-slack-mute-modal';
import type { AlertMessage } from '../../../src/chat/message';

interface Manifest {
  features: { app_home?: { home_tab_enabled?: boolean }; slash_commands?: Array<{ command: string; url?: string }> };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions?: { request_url?: string; bot_events?: string[] }; interactivity?: { is_enabled?: boolean; request_url?: string } };
}

const manifest = parse(readFileSync(join(__dirname, '..', '..', '..', 'manifest.yml'), 'utf8')) as Manifest;

/** What the code really registers: run registerSlack against a stand-in that records it. */
function registrations() {
  const noop = () => undefined;
  const app = { command: noop, action: noop, view: noop, event: noop } as unknown as SlackApp;
  return registerSlack(app, {} as SlackDeps);
}

describe('manifest.yml is in step with the code', () => {
  const reg = registrations();

  it('declares exactly the slash commands the code registers', () => {
    expect((manifest.features.slash_commands ?? []).map((c) => c.command).sort()).toEqual([...reg.commands].sort());
    expect(reg.commands).toEqual(['/secrets']);
  });

  it('subscribes to exactly the bot events the code listens to, with the Home tab on', () => {
    expect([...(manifest.settings.event_subscriptions?.bot_events ?? [])].sort()).toEqual([...reg.events].sort());
    expect(manifest.features.app_home?.home_tab_enabled).toBe(reg.events.includes('app_home_opened'));
  });

  it('turns interactivity on because buttons and a dialog are handled', () => {
    expect(reg.actions.length + reg.views.length).toBeGreaterThan(0);
    expect(manifest.settings.interactivity?.is_enabled).toBe(true);
  });

  it('asks for exactly the bot scopes the code needs', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...SLACK_BOT_SCOPES].sort());
  });

  it('sends commands, events and interactivity to Bolt’s one endpoint', () => {
    const urls = [
      ...(manifest.features.slash_commands ?? []).map((c) => c.url),
      manifest.settings.event_subscriptions?.request_url,
      manifest.settings.interactivity?.request_url,
    ];
    for (const url of urls) expect(new URL(url!).pathname).toBe('/slack/events');
  });

  it('every button and dialog the renderers produce has a listener', () => {
    const msg = {
      alertId: 'i1',
      status: 'open',
      reason: 'first',
      event: { provider: 'aws', source: 'aws.eventbridge', account: '1', region: 'r', secretId: 's', secretName: 's', kind: 'rotation.failed', severity: 'critical', occurredAt: '2026-03-01T00:00:00Z', sourceEventName: 'x', sourceId: 'x' },
      timeline: [],
      actions: ['retryRotation', 'cancelDeletion', 'mute'],
      ref: { alertId: 'i1', provider: 'aws', account: '1', region: 'r', secretId: 's', secretName: 's' },
      consoleUrl: 'https://example.com',
      now: 0,
    } as AlertMessage;
    const ids = renderSlackAlert(msg)
      .blocks.filter((b) => b.type === 'actions')
      .flatMap((b) => (b as { elements: Array<{ action_id: string }> }).elements.map((e) => e.action_id));
    expect(ids.length).toBe(3);
    for (const id of ids) expect(reg.actions).toContain(id);
    expect(reg.views).toContain(renderSlackMuteModal({ ref: msg.ref, channel: 'C1', choices: ['1h'] }).callback_id);
  });
});
