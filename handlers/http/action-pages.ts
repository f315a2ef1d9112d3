import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Locale } from '../../src/chat/dingtalk/dingtalk-i18n';
import { ACTION_PAGE_CSP, escapeHtml, renderActionPage } from '../../src/chat/dingtalk/render-action-page';
import {
  confirmActionLink,
  inspectActionLink,
  type LinkActionDeps,
  type LinkPage,
} from '../../src/remediation/link-actions';
import { HttpError, mediaType, readBody } from './http-util';
import type { Route } from './server';

/**
 * `GET /actions/<token>` and `POST /actions/<token>`: the pages behind the buttons of DingTalk
 * cards. GET calls inspectActionLink (changes nothing); POST — the page's own form, urlencoded —
 * calls confirmActionLink; both map the page model to a status and HTML:
 *
 *   invalid token: malformed 400 · changed/forged 403 · expired 410
 *   GET: 200 for every page (confirmation, "already done", "resolved", robot command, …)
 *   POST: 200 when it acted · 409 when it did not because it already happened (used link, repeated
 *   form, in progress, done, resolved, moved on) · 403 refused, bad form, links off · 400 no
 *   duration · 503 cloud not configured
 */

export const ACTIONS_PREFIX = '/actions/';
const FORM_LIMIT = 16 * 1024;

export interface ActionPageRouteDeps {
  links: LinkActionDeps;
  locale: Locale;
}

export function actionPageRoutes(deps: ActionPageRouteDeps): Route[] {
  return [
    {
      method: 'GET',
      path: ACTIONS_PREFIX,
      prefix: true,
      handler: (req, res, url) => handle('GET', req, res, url, deps),
    },
    {
      method: 'POST',
      path: ACTIONS_PREFIX,
      prefix: true,
      handler: (req, res, url) => handle('POST', req, res, url, deps),
    },
  ];
}

async function handle(
  method: 'GET' | 'POST',
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  deps: ActionPageRouteDeps,
): Promise<void> {
  const token = url.pathname.slice(ACTIONS_PREFIX.length);
  const log = deps.links.logger;
  try {
    if (token === '' || token.includes('/'))
      return send(res, 400, { kind: 'invalid', reason: 'malformed' }, deps, '');
    if (method === 'GET') {
      const page = await inspectActionLink(token, deps.links);
      return send(res, page.kind === 'invalid' ? invalidStatus(page.reason) : 200, page, deps, token);
    }
    if (req.headers['sec-fetch-site'] === 'cross-site') {
      req.resume();
      log.info({ path: ACTIONS_PREFIX }, 'action page: cross-site form post refused');
      return send(res, 403, await badForm(token, deps), deps, token);
    }
    if (mediaType(req) !== 'application/x-www-form-urlencoded') {
      req.resume();
      return send(res, 415, await badForm(token, deps), deps, token);
    }
    const form = new URLSearchParams((await readBody(req, FORM_LIMIT)).toString('utf8'));
    const page = await confirmActionLink(
      token,
      { form: form.get('form') ?? undefined, duration: form.get('duration') ?? undefined },
      deps.links,
    );
    return send(res, postStatus(page), page, deps, token);
  } catch (e) {
    if (e instanceof HttpError)
      return send(res, e.status, { kind: 'invalid', reason: 'malformed' }, deps, '');
    const ref = randomBytes(4).toString('hex');
    log.error({ err: e, ref, method }, 'action page failed');
    return sendHtml(
      res,
      500,
      `<!doctype html><html><head><meta charset="utf-8"><title>Error</title></head><body><p>Internal error, ref ${escapeHtml(ref)}. Nothing was changed.</p></body></html>`,
    );
  }
}

/** A page for a post that was refused before the link was looked at closely. */
async function badForm(token: string, deps: ActionPageRouteDeps): Promise<LinkPage> {
  const page = await inspectActionLink(token, deps.links);
  if (page.kind === 'bulk-confirm') return { kind: 'bulk-result', target: page.target, state: 'bad-form' };
  return page.kind === 'confirm' ? { kind: 'result', target: page.target, state: 'bad-form' } : page;
}

function invalidStatus(reason: 'malformed' | 'bad-signature' | 'expired'): number {
  return reason === 'malformed' ? 400 : reason === 'expired' ? 410 : 403;
}

function postStatus(page: LinkPage): number {
  switch (page.kind) {
    case 'invalid':
      return invalidStatus(page.reason);
    case 'disabled':
      return 403;
    case 'confirm':
    case 'bulk-confirm':
      return 200;
    case 'bulk-result':
      if (page.replay) return 409;
      return page.state === 'queued' ? 200 : page.state === 'unavailable' ? 503 : 403;
    case 'result':
      if (page.replay) return 409;
      switch (page.state) {
        case 'queued':
        case 'muted':
          return 200;
        case 'refused':
        case 'bad-form':
          return 403;
        case 'bad-choice':
          return 400;
        case 'unavailable':
          return 503;
        default:
          return 409;
      }
  }
}

function send(
  res: ServerResponse,
  status: number,
  page: LinkPage,
  deps: ActionPageRouteDeps,
  token: string,
): void {
  sendHtml(res, status, renderActionPage(page, { locale: deps.locale, href: token }).html);
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    'content-security-policy': ACTION_PAGE_CSP,
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  res.end(html);
}
