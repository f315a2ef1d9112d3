import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics. Labels are bounded sets (source, kind, outcome); never secret names. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'secrets_bot_' });
  return {
    registry,
    eventsReceived: new Counter({
      name: 'secrets_bot_events_received_total',
      help: 'Events received on the ingest endpoints, by source, kind and outcome (accepted, duplicate, ignored, refused, invalid, unavailable)',
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
      help: 'Jobs waiting, delayed or active, by queue',
      labelNames: ['queue', 'state'] as const,
      registers: [registry],
    }),
    outboxPending: new Gauge({
      name: 'secrets_bot_outbox_pending',
      help: 'Events accepted but not yet shown in chat',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
