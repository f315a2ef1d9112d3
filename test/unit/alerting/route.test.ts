import { routeEvent } from '../../../src/alerting/route';
import { aws } from '../chat/dingtalk/cases';

describe('routeEvent', () => {
  const event = aws('rotation.failed');
  it.each([
    [{}, []],
    [{ defaultSlackChannel: 'C1' }, [{ platform: 'slack', channel: 'C1' }]],
    [{ dingtalkRobot: 'r1' }, [{ platform: 'dingtalk', robot: 'r1' }]],
    [
      { defaultSlackChannel: 'C1', dingtalkRobot: 'r1' },
      [
        { platform: 'slack', channel: 'C1' },
        { platform: 'dingtalk', robot: 'r1' },
      ],
    ],
  ])('%j → %j', (opts, expected) => {
    expect(routeEvent(event, opts)).toEqual(expected);
  });
});
