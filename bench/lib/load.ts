import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { sleep } from './process';
import { cpuWindow } from './proc-stats';
import { percentile } from './stats';

/** Load generators: closed-loop saturation (autocannon) and an open-loop steady rate. */

export interface SaturationResult {
  /** 2xx answers per second over the window. */
  okPerSecond: number;
  /** Latency of 2xx answers, ms (exact, from autocannon's per-response time; its histogram keeps whole ms). */
  latencyP50: number;
  latencyP90: number;
  latencyP99: number;
  latencyMax: number;
  /** Completed requests, and how they were answered. */
  completed: number;
  statusCounts: Record<string, number>;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationS: number;
  /** Cores each watched process kept busy during the window. */
  cpu: Record<string, number>;
}

/**
 * One window of closed-loop load: autocannon keeps `connections` requests in flight for
 * `durationS` seconds, each POST with a new body from `nextBody()` (so every request is a new event).
 */
export async function saturate(opts: {
  url: string;
  connections: number;
  durationS: number;
  headers: Record<string, string>;
  nextBody: () => string;
  /** Processes whose CPU use over the window is reported (name → pid, or MACHINE). */
  watch?: Record<string, number | undefined>;
}): Promise<SaturationResult> {
  const request: autocannon.RequestSpec = {
    method: 'POST',
    headers: opts.headers,
    setupRequest: (req) => ({ ...req, body: opts.nextBody() }),
  };
  const latencies: number[] = [];
  const cpu = cpuWindow(opts.watch ?? {});
  const instance = autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.durationS,
    timeout: 10,
    requests: [request],
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, responseTime: number) => {
    if (status >= 200 && status < 300) latencies.push(responseTime);
  });
  const r = await instance;
  const cores = cpu.stop();
  latencies.sort((a, b) => a - b);
  return {
    okPerSecond: r['2xx'] / r.duration,
    latencyP50: percentile(latencies, 50),
    latencyP90: percentile(latencies, 90),
    latencyP99: percentile(latencies, 99),
    latencyMax: latencies.length ? latencies[latencies.length - 1]! : NaN,
    completed: r.requests.total,
    statusCounts: Object.fromEntries(Object.entries(r.statusCodeStats).map(([k, v]) => [k, v.count])),
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    durationS: r.duration,
    cpu: cores,
  };
}

export interface SteadyResult {
  sent: number;
  /** Achieved send rate (requests started per second). */
  sentPerSecond: number;
  /** performance.now() when request i was started. */
  sentAt: number[];
  /** HTTP answer of request i (0: none / network error). */
  status: number[];
  /** Time from start to the full answer of request i, ms (NaN when none). */
  answerMs: number[];
  errors: number;
  /** Cores each watched process kept busy while the load was sent. */
  cpu: Record<string, number>;
}

/**
 * Open loop: starts request i at start + i/rate seconds whatever the earlier ones are doing (so a
 * slow server cannot slow the offered load down — no coordinated omission), for `durationS`, then
 * waits for the outstanding answers.
 */
export async function steadyLoad(opts: {
  url: string;
  rate: number;
  durationS: number;
  headers: Record<string, string>;
  body: (i: number) => string;
  /** Headers of request i on top of `headers` (e.g. a signature over its body). */
  headersOf?: (i: number, body: string) => Record<string, string>;
  watch?: Record<string, number | undefined>;
}): Promise<SteadyResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const total = Math.round(opts.rate * opts.durationS);
  const sentAt: number[] = [];
  const status: number[] = new Array<number>(total).fill(0);
  const answerMs: number[] = new Array<number>(total).fill(NaN);
  let errors = 0;
  let outstanding = 0;
  const target = new URL(opts.url);

  const send = (i: number) => {
    const body = opts.body(i);
    outstanding += 1;
    const t0 = performance.now();
    sentAt[i] = t0;
    const req = request(target, {
      method: 'POST',
      agent,
      headers: { ...opts.headers, ...opts.headersOf?.(i, body), 'content-length': Buffer.byteLength(body) },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => {
        status[i] = res.statusCode ?? 0;
        answerMs[i] = performance.now() - t0;
        outstanding -= 1;
      });
    });
    req.on('error', () => {
      errors += 1;
      outstanding -= 1;
    });
    req.end(body);
  };

  const cpu = cpuWindow(opts.watch ?? {});
  const start = performance.now();
  let next = 0;
  while (next < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * opts.rate) / 1000) + 1);
    while (next < due) send(next++);
    await sleep(1);
  }
  const cores = cpu.stop();
  const sendSeconds = total > 1 ? (sentAt[total - 1]! - sentAt[0]!) / 1000 : NaN;
  const deadline = Date.now() + 30_000;
  while (outstanding > 0 && Date.now() < deadline) await sleep(10);
  agent.destroy();
  return {
    sent: total,
    sentPerSecond: (total - 1) / sendSeconds,
    sentAt,
    status,
    answerMs,
    errors,
    cpu: cores,
  };
}

export interface ClosedLoopResult {
  /** Time from starting request i to its full answer, ms (NaN when none). */
  answerMs: number[];
  /** HTTP answer of request i (0: none / network error). */
  status: number[];
  errors: number;
  durationS: number;
  /** Completed requests per second. */
  perSecond: number;
  cpu: Record<string, number>;
}

/**
 * Closed loop: `concurrency` senders, each starting the next of `requests` (in order) as soon as its
 * previous one is answered, until all are sent. Every request carries its own body and headers
 * (prepared beforehand, so the load generator does no signing while it measures).
 */
export async function closedLoop(opts: {
  url: string;
  concurrency: number;
  requests: ReadonlyArray<{ body: string; headers: Record<string, string> }>;
  watch?: Record<string, number | undefined>;
}): Promise<ClosedLoopResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const target = new URL(opts.url);
  const n = opts.requests.length;
  const status: number[] = new Array<number>(n).fill(0);
  const answerMs: number[] = new Array<number>(n).fill(NaN);
  let errors = 0;
  let next = 0;
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const { body, headers } = opts.requests[i]!;
      const t0 = performance.now();
      const req = request(target, {
        method: 'POST',
        agent,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        timeout: 30_000,
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => {
          status[i] = res.statusCode ?? 0;
          answerMs[i] = performance.now() - t0;
          resolve();
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        errors += 1;
        resolve();
      });
      req.end(body);
    });
  const sender = async () => {
    while (next < n) await one(next++);
  };
  const cpu = cpuWindow(opts.watch ?? {});
  const start = performance.now();
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, n) }, sender));
  const durationS = (performance.now() - start) / 1000;
  const cores = cpu.stop();
  agent.destroy();
  return { answerMs, status, errors, durationS, perSecond: n / durationS, cpu: cores };
}

/**
 * Bursts: every `intervalMs`, `burstSize` of `requests` (in order) start at once — people clicking
 * the same moment — whatever the earlier bursts are doing (open loop between bursts).
 */
export async function burstLoad(opts: {
  url: string;
  burstSize: number;
  intervalMs: number;
  requests: ReadonlyArray<{ body: string; headers: Record<string, string> }>;
  watch?: Record<string, number | undefined>;
}): Promise<ClosedLoopResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: opts.burstSize * 4 });
  const target = new URL(opts.url);
  const n = opts.requests.length;
  const status: number[] = new Array<number>(n).fill(0);
  const answerMs: number[] = new Array<number>(n).fill(NaN);
  let errors = 0;
  const pending: Array<Promise<void>> = [];
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const { body, headers } = opts.requests[i]!;
      const t0 = performance.now();
      const req = request(target, {
        method: 'POST',
        agent,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        timeout: 30_000,
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => {
          status[i] = res.statusCode ?? 0;
          answerMs[i] = performance.now() - t0;
          resolve();
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        errors += 1;
        resolve();
      });
      req.end(body);
    });
  const cpu = cpuWindow(opts.watch ?? {});
  const start = performance.now();
  for (let b = 0; b * opts.burstSize < n; b++) {
    const due = start + b * opts.intervalMs;
    while (performance.now() < due) await sleep(Math.max(1, Math.min(5, due - performance.now())));
    for (let i = b * opts.burstSize; i < Math.min(n, (b + 1) * opts.burstSize); i++) pending.push(one(i));
  }
  await Promise.all(pending);
  const durationS = (performance.now() - start) / 1000;
  const cores = cpu.stop();
  agent.destroy();
  return { answerMs, status, errors, durationS, perSecond: n / durationS, cpu: cores };
}
