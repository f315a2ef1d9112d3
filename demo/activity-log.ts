/**
 * What happened outside the chat during the demo, newest last: the cloud calls the bot made on
 * the stand-ins, the events the stand-ins sent back, and the scenario runner's steps. The console
 * shows it beside the chat so a reader sees cause and effect.
 */
export type ActivitySource = 'scenario' | 'aws' | 'alibaba' | 'events';

export interface ActivityEntry {
  at: number;
  source: ActivitySource;
  text: string;
  /** `ok` | `error` | `info`. */
  tone: 'ok' | 'error' | 'info';
}

export class ActivityLog {
  private readonly list: ActivityEntry[] = [];
  private total = 0;

  constructor(private readonly max = 500) {}

  add(source: ActivitySource, text: string, tone: ActivityEntry['tone'] = 'info'): void {
    this.list.push({ at: Date.now(), source, text, tone });
    this.total += 1;
    if (this.list.length > this.max) this.list.splice(0, this.list.length - this.max);
  }

  get entries(): readonly ActivityEntry[] {
    return this.list;
  }

  get signature(): string {
    return String(this.total);
  }
}
