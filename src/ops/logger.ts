import pino, { type Logger } from 'pino';
import { redactText } from './redact';

export type { Logger };

/**
 * Structured JSON logs. Known secret-bearing fields are censored by path, and every message and
 * error text passes through redactText so a token pasted into an error cannot leak.
 */
export function createLogger(level: string, secrets: string[] = [], destination?: pino.DestinationStream): Logger {
  const scrub = (s: string) => redactText(s, secrets);
  return pino(
    {
      level,
      base: { service: 'secrets-bot' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          '*.token',
          '*.secret',
          '*.password',
          '*.authorization',
          '*.headers.authorization',
          'req.headers.authorization',
          '*.SecretString',
          '*.SecretBinary',
          '*.webhook',
          '*.webhookUrl',
        ],
        censor: '[redacted]',
      },
      formatters: {
        log: (obj) => {
          const err = obj.err as { message?: string; stack?: string; code?: string } | undefined;
          if (err && typeof err === 'object') {
            obj.err = { code: err.code, message: scrub(String(err.message ?? '')), stack: scrub(String(err.stack ?? '')) };
          }
          return obj;
        },
      },
      hooks: {
        logMethod(args, method) {
          const mapped = args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as Parameters<typeof method>;
          method.apply(this, mapped);
        },
      },
    },
    destination,
  );
}
