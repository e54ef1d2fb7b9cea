import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

const byRegistry = new WeakMap<Registry, ReturnType<typeof build>>();

/** Prometheus metrics of the ingest pipeline, on the platform's registry (once per registry). */
export function createIngestMetrics(registry: Registry) {
  let m = byRegistry.get(registry);
  if (!m) {
    m = build(registry);
    byRegistry.set(registry, m);
  }
  return m;
}

function build(registry: Registry) {
  return {
    bufferReadings: new Gauge({
      name: 'fangxian_ingest_buffer_readings',
      help: 'Readings (and rejected items) held in memory, waiting for or inside a flush',
      registers: [registry],
    }),
    readings: new Counter({
      name: 'fangxian_ingest_readings_total',
      help: 'Readings received, by transport and outcome (stored, rejected)',
      labelNames: ['source', 'outcome'] as const,
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'fangxian_ingest_dead_letters_total',
      help: 'Dead letters written, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    messages: new Counter({
      name: 'fangxian_ingest_messages_total',
      help: 'Messages (MQTT publishes, HTTP requests) received, by transport',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    flushDuration: new Histogram({
      name: 'fangxian_ingest_flush_seconds',
      help: 'Time to write one batch (readings, rollups, rule state, alarms) in one transaction',
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    flushStage: new Histogram({
      name: 'fangxian_ingest_flush_stage_seconds',
      help: 'Time spent in each stage of a flush (prepare, lock, readings, rules, alarms, rollups, state, dead_letters, commit)',
      labelNames: ['stage'] as const,
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    flushReadings: new Histogram({
      name: 'fangxian_ingest_flush_readings',
      help: 'Readings per flush',
      buckets: [1, 10, 50, 100, 500, 1000, 5000, 10000, 50000],
      registers: [registry],
    }),
    flushFailures: new Counter({
      name: 'fangxian_ingest_flush_failures_total',
      help: 'Flushes that failed (the batch stays in the buffer and is retried)',
      registers: [registry],
    }),
    stateConflicts: new Counter({
      name: 'fangxian_ingest_state_conflicts_total',
      help: 'Flushes whose optimistic rule-state update found a revision changed elsewhere (retried under row locks)',
      registers: [registry],
    }),
    rejectedFull: new Counter({
      name: 'fangxian_ingest_buffer_full_total',
      help: 'Messages refused (HTTP 503) or held unacknowledged (MQTT) because the buffer was full',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    alarmEvents: new Counter({
      name: 'fangxian_alarm_events_total',
      help: 'Alarm rule events applied, by type (raise, update, clear) and rule',
      labelNames: ['type', 'rule'] as const,
      registers: [registry],
    }),
    mqttClients: new Gauge({
      name: 'fangxian_mqtt_connected',
      help: 'Embedded broker: connected gateways; external broker: connected ingest subscriptions',
      registers: [registry],
    }),
  };
}
export type IngestMetrics = ReturnType<typeof createIngestMetrics>;
