import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ID_MARK = '__BENCH_EVENT_ID__';
const SECRET_MARK = '__BENCH_SECRET_NAME__';

/**
 * Request bodies for the benchmarks: a real EventBridge fixture (test/fixtures/aws) serialised once,
 * with its event id (and optionally its secret's name) swapped by string concatenation, so the load
 * generator spends next to nothing per request and every request is a new event.
 */
export interface EventTemplate {
  /** The fixture as it is, with a new EventBridge `id`. */
  withId(id: string): string;
  /** The fixture with a new `id` and its secret renamed to `name` (a new incident per name). */
  withIdAndSecret(id: string, name: string): string;
  /** The full ARN the event names for a secret called `name` (to seed a fake Secrets Manager with). */
  secretArn(name: string): string;
}

export function awsEventTemplate(root: string, fixture = 'rotation-failed.json'): EventTemplate {
  const event = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'aws', fixture), 'utf8')) as Record<
    string,
    unknown
  >;
  const secretArn = (event.detail as { additionalEventData?: { SecretId?: unknown } } | undefined)
    ?.additionalEventData?.SecretId;
  const arn =
    typeof secretArn === 'string'
      ? /^(arn:[^:]+:secretsmanager:[^:]*:\d+:secret:)(.+)(-[A-Za-z0-9]{6})$/.exec(secretArn)
      : null;
  if (typeof event.id !== 'string' || !arn) {
    throw new Error(
      `${fixture}: expected an EventBridge event with an id and a full secret ARN in detail.additionalEventData.SecretId`,
    );
  }
  const [fullArn, arnHead, originalName, suffix] = arn as unknown as [string, string, string, string];
  // The ARN also appears inside other fields (CloudTrail's requestID); rename it everywhere.
  const marked = JSON.stringify({ ...event, id: ID_MARK })
    .split(fullArn)
    .join(`${arnHead}${SECRET_MARK}${suffix}`);
  const [before, after] = marked.split(ID_MARK) as [string, string | undefined];
  if (after === undefined) throw new Error('event id marker not found');
  const named = (s: string, name: string) => s.split(SECRET_MARK).join(name);
  const plainBefore = named(before, originalName);
  const plainAfter = named(after, originalName);
  return {
    withId: (id) => plainBefore + id + plainAfter,
    withIdAndSecret: (id, name) => named(before, name) + id + named(after, name),
    secretArn: (name) => `${arnHead}${name}${suffix}`,
  };
}
