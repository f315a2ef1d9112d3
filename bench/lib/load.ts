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
      headers: { ...opts.headers, 'content-length': Buffer.byteLength(body) },
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
