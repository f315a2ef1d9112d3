/**
 * Per-operation queues of injected faults for the cloud fakes: `push(op, n, item)` queues n items,
 * `take(op)` hands out the next one (or undefined), `clear()` forgets them all.
 */
export class FaultQueue<T> {
  private readonly queues = new Map<string, T[]>();

  push(op: string, count: number, item: T): void {
    const q = this.queues.get(op) ?? [];
    for (let i = 0; i < count; i++) q.push(item);
    this.queues.set(op, q);
  }

  take(op: string): T | undefined {
    return this.queues.get(op)?.shift();
  }

  clear(): void {
    this.queues.clear();
  }
}
