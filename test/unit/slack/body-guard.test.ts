import { shapeProblem } from '../../../handlers/slack/body-guard';

const FORM = 'application/x-www-form-urlencoded';
const form = (payload: unknown) => `payload=${encodeURIComponent(JSON.stringify(payload))}`;

describe('shapeProblem: what a signed Slack body must look like before Bolt sees it', () => {
  it.each([
    ['a slash command', 'command=%2Fsecrets&text=status&user_id=U1&channel_id=C1', FORM],
    ['a button click', form({ type: 'block_actions', user: { id: 'U1' }, actions: [{ action_id: 'secrets_mute', value: 'x' }] }), FORM],
    ['a view submission', form({ type: 'view_submission', user: { id: 'U1' }, view: { callback_id: 'secrets_mute_dialog' } }), FORM],
    ['an event', JSON.stringify({ type: 'event_callback', event: { type: 'app_home_opened', user: 'U1' } }), 'application/json'],
    ['a URL verification', JSON.stringify({ type: 'url_verification', challenge: 'abc' }), 'application/json'],
    ['an SSL check', 'ssl_check=1', FORM],
  ])('lets %s through', (_what, body, type) => {
    expect(shapeProblem(body, type)).toBeUndefined();
  });

  it.each([
    ['payload=null (made Bolt throw outside any handler and end the process)', 'payload=null', FORM, /not a JSON object/],
    ['a JSON body of null', 'null', 'application/json', /not a JSON object/],
    ['a JSON array', '[1,2]', 'application/json', /not a JSON object/],
    ['broken JSON', '{"type":', 'application/json', /not valid JSON/],
    ['broken payload JSON', 'payload=%7B', FORM, /not valid JSON/],
    ['a click without actions (Bolt answered 500)', form({ type: 'block_actions', user: { id: 'U1' }, actions: [] }), FORM, /without actions/],
    ['a click whose action is not an object', form({ type: 'block_actions', user: { id: 'U1' }, actions: [{}] }), FORM, /without actions/],
    ['a view submission without a view', form({ type: 'view_submission', user: { id: 'U1' } }), FORM, /without a view/],
    ['a shortcut (this app registers none)', form({ type: 'shortcut', callback_id: 'x' }), FORM, /not handled/],
    ['an event_callback without an event', JSON.stringify({ type: 'event_callback' }), 'application/json', /without an event/],
    ['a form that is neither a command nor a payload', 'foo=bar', FORM, /not a Slack command/],
  ])('refuses %s', (_what, body, type, why) => {
    expect(shapeProblem(body, type)).toMatch(why);
  });
});
