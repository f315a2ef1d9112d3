import { BotError } from '../../ops/errors';
import { classifyDingTalkResponse, classifyTransportError, DINGTALK_THROTTLE_MS } from './dingtalk-sender';
import { createFetchHttpClient, type HttpClient, type HttpResponse } from './fetch-http-client';
import type { DingTalkMessage } from './render-dingtalk-card';

/**
 * Replies to a robot callback through its `sessionWebhook` (wire-formats.md §8.3): a normal
 * robot message body POSTed to that URL, no signing. The URL comes from the callback body, so it
 * is only used when it points at DingTalk's API host (or at the host of DINGTALK_WEBHOOK_URL, so a
 * test robot works), over https (http only to a loopback address).
 *
 * Throws BotError: CHAT.REJECTED for a URL we will not call or an answer DingTalk refused (an
 * expired session among them), CHAT.UNAVAILABLE / CHAT.RATE_LIMITED otherwise. Errors never
 * carry the URL (its `session` parameter is a credential).
 */
export const DINGTALK_API_HOST = 'oapi.dingtalk.com';

export interface SessionReplier {
  reply(sessionWebhook: string, body: DingTalkMessage): Promise<void>;
}

export function createSessionReplier(opts: {
  allowedHosts: string[];
  timeoutMs?: number;
  httpClient?: HttpClient;
}): SessionReplier {
  const http = opts.httpClient ?? createFetchHttpClient({ timeoutMs: opts.timeoutMs ?? 5000 });
  const hosts = new Set([DINGTALK_API_HOST, ...opts.allowedHosts].map((h) => h.toLowerCase()));
  return {
    async reply(sessionWebhook, body) {
      if (!sessionWebhookAllowed(sessionWebhook, hosts)) {
        throw new BotError('CHAT.REJECTED', 'DingTalk session webhook is not on an allowed host', {
          retryable: false,
        });
      }
      let res: HttpResponse;
      try {
        res = await http.request(sessionWebhook, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          data: JSON.stringify(body),
        });
      } catch (e) {
        throw classifyTransportError(e, 'session');
      }
      const err = classifyDingTalkResponse(res, { throttleMs: DINGTALK_THROTTLE_MS, robot: 'session' });
      if (err) throw err;
    },
  };
}

export function sessionWebhookAllowed(url: string, hosts: Set<string>): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) return false;
  return hosts.has(u.hostname.toLowerCase()) && u.username === '' && u.password === '';
}
