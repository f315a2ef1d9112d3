import type { FakeKms, FakeKmsCall } from '../test/fakes/fake-kms';
import type { FakeAwsCall, FakeSecretsManager } from '../test/fakes/fake-secrets-manager';
import type { ActivityLog } from './activity-log';
import { alibabaEvents, awsEvents } from './events';

/**
 * The clouds' event side, which the stand-ins lack: when the bot changes a secret on a stand-in,
 * the real cloud would report it through EventBridge (CloudTrail) or CloudMonitor/ActionTrail
 * some seconds later. This relay does the same: a successful RotateSecret is followed by a
 * RotationSucceeded (AWS) or Secret:RotateSecret:Success (Alibaba) event, a RestoreSecret by the
 * RestoreSecret API-call event, each POSTed to the bot's event endpoint like a forwarder would.
 */

export type Endpoint = 'aws' | 'alibaba';
export type SendEvent = (
  endpoint: Endpoint,
  event: Record<string, unknown>,
  what: string,
  opts?: { quiet?: boolean },
) => Promise<void>;

export class CloudEventRelay {
  private sm?: FakeSecretsManager;
  private kms?: FakeKms;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly send: SendEvent,
    private readonly log: ActivityLog,
    /** How long after the call the cloud reports it. */
    private readonly delayMs = 1500,
  ) {}

  /** The stand-ins whose secrets the calls name (they start after the relay exists). */
  watch(sm: FakeSecretsManager, kms: FakeKms): void {
    this.sm = sm;
    this.kms = kms;
  }

  readonly onAwsCall = (call: FakeAwsCall): void => {
    const name = this.sm?.get(String(call.params.SecretId ?? ''))?.name ?? String(call.params.SecretId ?? '');
    const ok = call.status === 200;
    this.log.add(
      'aws',
      `${call.op} ${name} → ${ok ? '200 OK' : `${call.status} ${call.errorType ?? ''}`}`,
      ok ? 'ok' : 'error',
    );
    if (!ok) return;
    if (call.op === 'RotateSecret')
      this.later('aws', () => awsEvents.rotationSucceeded(name), `RotationSucceeded for ${name}`);
    if (call.op === 'RestoreSecret')
      this.later('aws', () => awsEvents.restored(name), `RestoreSecret for ${name}`);
  };

  readonly onKmsCall = (call: FakeKmsCall): void => {
    const name = call.params.SecretName ?? '';
    const ok = call.status === 200;
    this.log.add(
      'alibaba',
      `${call.action} ${name} → ${ok ? '200 OK' : `${call.status} ${call.errorCode ?? ''}`}`,
      ok ? 'ok' : 'error',
    );
    if (!ok) return;
    const type = this.kms?.secrets.get(name)?.type ?? 'Rds';
    if (call.action === 'RotateSecret')
      this.later(
        'alibaba',
        () => alibabaEvents.rotationSucceeded(name, type),
        `Secret:RotateSecret:Success for ${name}`,
      );
    if (call.action === 'RestoreSecret')
      this.later('alibaba', () => alibabaEvents.restored(name), `RestoreSecret for ${name}`);
  };

  private later(endpoint: Endpoint, build: () => Record<string, unknown>, what: string): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.send(endpoint, build(), what);
    }, this.delayMs);
    this.timers.add(timer);
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
