import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseDingTalkCallback, verifyDingTalkCallback } from '../../src/chat/dingtalk/dingtalk-callback';
import { runRobotCommand, type RobotCommandDeps } from '../../src/remediation/robot-commands';
import { HttpError, parseJson, readBody, sendJson } from '../http/http-util';
import type { Route } from '../http/server';

export const DINGTALK_EVENTS_PATH = '/dingtalk/events';

export interface DingTalkEventDeps {
  /** DINGTALK_APP_SECRET; without it every callback is refused. */
  appSecret?: string;
  bodyLimit: number;
  commands: RobotCommandDeps;
}

/**
 * `POST /dingtalk/events`: DingTalk robot callbacks (@-mentions of the bot). Verify the `timestamp`
 * and `sign` headers (refused: 401 bad/missing/stale, 403 when DINGTALK_APP_SECRET is unset), parse,
 * acknowledge at once with 200 `{}`, then run the command and reply (src/remediation/robot-commands)
 * after the answer is sent: some commands ask the cloud, and DingTalk does not wait long.
 */
export function dingTalkEventRoutes(deps: DingTalkEventDeps): { routes: Route[]; drain(): Promise<void> } {
  const inFlight = new Set<Promise<unknown>>();
  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const log = deps.commands.logger;
    const refuse = (status: number, error: string) => {
      req.resume();
      log.info({ path: DINGTALK_EVENTS_PATH, status, error }, 'DingTalk callback refused');
      sendJson(res, status, { error });
    };
    if (!deps.appSecret) return refuse(403, 'DingTalk callbacks are refused: DINGTALK_APP_SECRET is not set');
    const verified = verifyDingTalkCallback(
      { timestamp: req.headers.timestamp, sign: req.headers.sign },
      deps.appSecret,
      deps.commands.clock.now(),
    );
    if (!verified.ok) {
      const why = {
        missing: 'missing timestamp or sign header',
        stale: 'stale timestamp',
        'bad-signature': 'bad signature',
      }[verified.reason];
      return refuse(401, why);
    }
    let body: Buffer;
    try {
      body = await readBody(req, deps.bodyLimit);
    } catch (e) {
      if (e instanceof HttpError) return sendJson(res, e.status, { error: e.message });
      throw e;
    }
    const json = parseJson(body);
    if (!json.ok) return sendJson(res, 400, { error: 'body is not valid JSON' });
    const parsed = parseDingTalkCallback(json.value);
    if (!parsed.ok) return sendJson(res, 400, { error: parsed.error });
    sendJson(res, 200, {}); // ack; the reply goes through the session webhook or the robot
    const work = runRobotCommand(parsed.callback, deps.commands)
      .catch((err) => log.error({ err, msgId: parsed.callback.msgId }, 'DingTalk command failed'))
      .finally(() => inFlight.delete(work));
    inFlight.add(work);
  };
  return {
    routes: [{ method: 'POST', path: DINGTALK_EVENTS_PATH, handler }],
    /** Waits for commands still being run (graceful shutdown). */
    drain: async () => void (await Promise.allSettled([...inFlight])),
  };
}
