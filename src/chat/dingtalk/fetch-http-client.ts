/**
 * The HTTP client handed to dingtalk-robot-sender: the axios-shaped `request(url, config)` the
 * package calls, built on Node's global fetch with a timeout, so the package's axios is loaded
 * (it `require`s it at start) but never sends anything.
 *
 * Differences from axios, on purpose:
 * - It resolves for every HTTP status (axios rejects non-2xx); the caller classifies the answer.
 * - Redirects are not followed: a 3xx comes back as is (the request URL carries the robot's
 *   token and signature, which must not be re-sent to another host).
 * - Failures reject with HttpRequestError, whose message never contains the URL (it holds the
 *   access token and the signature) and which keeps no `cause` that might.
 */

export interface HttpRequestConfig {
  method?: string;
  headers?: Record<string, string>;
  /** Request body; the robot sender passes a JSON string. */
  data?: string;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  /** Parsed JSON when the body is JSON, else the text (cut to 2000 characters). */
  data: unknown;
}

export interface HttpClient {
  request(url: string, config: HttpRequestConfig): Promise<HttpResponse>;
}

export class HttpRequestError extends Error {
  constructor(
    readonly kind: 'timeout' | 'network',
    detail: string,
  ) {
    super(kind === 'timeout' ? `request timed out (${detail})` : `request failed (${detail})`);
    this.name = 'HttpRequestError';
  }
}

const MAX_TEXT = 2000;

export function createFetchHttpClient(opts: { timeoutMs: number; fetch?: typeof fetch }): HttpClient {
  const doFetch = opts.fetch ?? fetch;
  return {
    async request(url: string, config: HttpRequestConfig): Promise<HttpResponse> {
      const signal = AbortSignal.timeout(opts.timeoutMs);
      try {
        const res = await doFetch(url, {
          method: config.method ?? 'GET',
          headers: config.headers,
          body: config.data,
          redirect: 'manual',
          signal,
        });
        const text = await res.text();
        const headers: Record<string, string> = {};
        res.headers.forEach((v, k) => (headers[k] = v));
        return { status: res.status, statusText: res.statusText, headers, data: parseBody(text) };
      } catch (e) {
        if (signal.aborted) throw new HttpRequestError('timeout', `${opts.timeoutMs} ms`);
        throw new HttpRequestError('network', describeNetworkError(e));
      }
    },
  };
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
  }
}

/** A short, URL-free description: the system error code when there is one (ECONNREFUSED, …). */
function describeNetworkError(e: unknown): string {
  const cause = (e as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = (e as { code?: unknown } | undefined)?.code ?? cause?.code;
  if (typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code)) return code;
  return e instanceof Error && e.name !== 'Error' ? e.name : 'network error';
}
