import { parentPort, Worker, workerData } from 'node:worker_threads';
import { burstLoad, closedLoop, type ClosedLoopResult } from './load';
import { cpuWindow } from './proc-stats';

/**
 * The click load generators (closedLoop, burstLoad) on a thread of their own. The runner process
 * also hosts the fake Slack and Secrets Manager, which only the bot keeps busy (its answers on
 * response_url, message updates, cloud calls): on the runner's main thread that work would delay
 * the load generator's own clock and inflate the bot's latencies but not the baseline's. On its
 * own event loop, each request is timed the same way for both sides.
 */
type Kind = 'closed' | 'burst';
type ClosedOpts = Parameters<typeof closedLoop>[0];
type BurstOpts = Parameters<typeof burstLoad>[0];

interface Task {
  kind: Kind;
  opts: ClosedOpts | BurstOpts;
}

function runInThread(task: Task, watch: Record<string, number | undefined>): Promise<ClosedLoopResult> {
  const cpu = cpuWindow(watch);
  return new Promise<ClosedLoopResult>((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: task });
    worker.once('message', (result: ClosedLoopResult) => resolve({ ...result, cpu: cpu.stop() }));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load thread exited with ${code}`));
    });
  });
}

/** closedLoop, run on its own thread (CPU use still measured for the watched processes). */
export function closedLoopOffThread(opts: ClosedOpts): Promise<ClosedLoopResult> {
  const { watch, ...rest } = opts;
  return runInThread({ kind: 'closed', opts: rest }, watch ?? {});
}

/** burstLoad, run on its own thread. */
export function burstLoadOffThread(opts: BurstOpts): Promise<ClosedLoopResult> {
  const { watch, ...rest } = opts;
  return runInThread({ kind: 'burst', opts: rest }, watch ?? {});
}

if (parentPort && workerData) {
  const task = workerData as Task;
  const port = parentPort;
  const run =
    task.kind === 'closed' ? closedLoop(task.opts as ClosedOpts) : burstLoad(task.opts as BurstOpts);
  void run.then((result) => port.postMessage(result));
}
