import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics. Labels are bounded sets (source, kind, outcome); never secret names. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'secrets_bot_' });
  return {
    registry,
    eventsReceived: new Counter({
      name: 'secrets_bot_events_received_total',
      help: 'Events received on the ingest endpoints, by source, kind and outcome (accepted, duplicate, ignored, refused, invalid, unavailable, rate-limited)',
      labelNames: ['source', 'kind', 'outcome'] as const,
      registers: [registry],
    }),
    ingestSeconds: new Histogram({
      name: 'secrets_bot_ingest_seconds',
      help: 'Time to accept an event on the ingest endpoints',
      labelNames: ['endpoint'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    notifications: new Counter({
      name: 'secrets_bot_notifications_total',
      help: 'Chat notifications by platform, action (post, update, reply) and outcome (sent, failed, throttled)',
      labelNames: ['platform', 'action', 'outcome'] as const,
      registers: [registry],
    }),
    eventToChatSeconds: new Histogram({
      name: 'secrets_bot_event_to_chat_seconds',
      help: 'Time from accepting an event to showing it in chat',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 120, 600],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'secrets_bot_queue_depth',
      help: 'Jobs by queue and state (waiting, active, delayed, failed), read from Redis on each scrape',
      labelNames: ['queue', 'state'] as const,
      registers: [registry],
    }),
    outboxPending: new Gauge({
      name: 'secrets_bot_outbox_pending',
      help: 'Events accepted but not yet shown in chat',
      registers: [registry],
    }),
    jobSeconds: new Histogram({
      name: 'secrets_bot_job_seconds',
      help: 'Time from a job being due (added, or its delay over) to finishing, retries included, by queue and outcome (completed, failed)',
      labelNames: ['queue', 'outcome'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
      registers: [registry],
    }),
    remediations: new Counter({
      name: 'secrets_bot_remediations_total',
      help: 'Remediation job runs by action, provider and outcome (succeeded, failed, retrying, superseded, error)',
      labelNames: ['action', 'provider', 'outcome'] as const,
      registers: [registry],
    }),
    reminderLagSeconds: new Histogram({
      name: 'secrets_bot_reminder_lag_seconds',
      help: 'Time from when a reminder or repeat was due to when it was shown in chat, by kind (reminder, repeat)',
      labelNames: ['kind'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
