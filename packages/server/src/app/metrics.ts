/** @module app/metrics — Prometheus metrics (prom-client) behind core's Metrics port. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CallDurationHistogram, Metrics, Store } from '../core/ports/index.js';

/** seconds: a short answer, a question, a conversation, a long call */
export const CALL_BOUNDS = [5, 15, 30, 60, 120, 300, 600, 1800, 3600];

const label = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** ended calls' durations in the Prometheus text format (https://prometheus.io/docs/instrumenting/exposition_formats/#histograms-and-summaries) */
export function callDurationHistogramText(rows: CallDurationHistogram[]): string {
  const name = 'switchboard_call_duration_seconds';
  const lines = [
    `# HELP ${name} Duration of ended phone calls (answer to end; 0 when unanswered), by channel and outcome`,
    `# TYPE ${name} histogram`,
  ];
  for (const r of rows) {
    const labels = `channel="${label(r.channelType)}",state="${label(r.state)}"`;
    for (const [i, bound] of CALL_BOUNDS.entries())
      lines.push(`${name}_bucket{${labels},le="${bound}"} ${r.buckets[i] ?? 0}`);
    lines.push(`${name}_bucket{${labels},le="+Inf"} ${r.count}`);
    lines.push(`${name}_sum{${labels}} ${r.sumSeconds}`);
    lines.push(`${name}_count{${labels}} ${r.count}`);
  }
  return `${lines.join('\n')}\n`;
}

export function createMetrics(store: Store): { metrics: Metrics; text: () => Promise<string>; registry: Registry } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'switchboard_process_' });
  const received = new Counter({
    name: 'switchboard_webhooks_received_total',
    help: 'Verified webhooks stored',
    labelNames: ['channel'],
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'switchboard_webhooks_rejected_total',
    help: 'Webhooks refused, by reason',
    labelNames: ['channel', 'reason'],
    registers: [registry],
  });
  const messages = new Counter({
    name: 'switchboard_messages_total',
    help: 'Messages by direction and status reached',
    labelNames: ['direction', 'status'],
    registers: [registry],
  });
  const visitorRefusals = new Counter({
    name: 'switchboard_webchat_refused_total',
    help: 'Webchat visitor requests refused (429) by a rate limit or the open-conversation cap, by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  const attempts = new Histogram({
    name: 'switchboard_outbound_attempt_seconds',
    help: 'Provider send latency by result',
    labelNames: ['channel', 'result'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const depth = new Gauge({
    name: 'switchboard_queue_depth',
    help: 'Work waiting: outbound queued, inbound pending, outbox unpublished',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      const q = await store.countQueued();
      this.set({ queue: 'outbound_queued' }, q.outboundQueued);
      this.set({ queue: 'inbound_pending' }, q.inboundPending);
      this.set({ queue: 'outbox_unpublished' }, q.outboxUnpublished);
    },
  });
  void depth;
  const lag = new Gauge({
    name: 'switchboard_inbound_lag_seconds',
    help: 'Age of the oldest acknowledged raw event not yet processed (0 when none is waiting)',
    registers: [registry],
    async collect() {
      const { oldestReceivedAt } = await store.inboundBacklog(1);
      this.set(oldestReceivedAt ? Math.max(0, (Date.now() - Date.parse(oldestReceivedAt)) / 1000) : 0);
    },
  });
  void lag;
  const health = new Gauge({
    name: 'switchboard_connection_health',
    help: "1 for each connection's health state as last checked (healthy, warning, failing), by connection id",
    labelNames: ['connection', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const h of await store.listAllConnectionHealth())
        for (const state of ['healthy', 'warning', 'failing'] as const)
          this.set({ connection: h.connectionId, state }, h.state === state ? 1 : 0);
    },
  });
  void health;
  // read from the calls themselves, so every process reports the same numbers
  const calls = new Gauge({
    name: 'switchboard_calls',
    help: 'Phone calls by channel and state (ringing, in-progress, or the outcome they ended with)',
    labelNames: ['channel', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const s of await store.callStats()) this.set({ channel: s.channelType, state: s.state }, s.count);
    },
  });
  void calls;
  const callSeconds = new Gauge({
    name: 'switchboard_call_duration_seconds_total',
    help: 'Talking time of phone calls by channel and state, seconds',
    labelNames: ['channel', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const s of await store.callStats()) this.set({ channel: s.channelType, state: s.state }, s.durationSeconds);
    },
  });
  void callSeconds;
  return {
    registry,
    // the call-duration histogram is counted by the database, so it is written out here (prom-client's Histogram
    // only observes values one by one, in one process)
    text: async () =>
      (await registry.metrics()) + callDurationHistogramText(await store.callDurationHistogram(CALL_BOUNDS)),
    metrics: {
      webhookReceived: (channel) => received.inc({ channel }),
      webhookRejected: (channel, reason) => rejected.inc({ channel, reason }),
      messageCounted: (direction, status) => messages.inc({ direction, status }),
      outboundAttempt: (channel, result, seconds) => attempts.observe({ channel, result }, seconds),
      visitorRefused: (reason) => visitorRefusals.inc({ reason }),
    },
  };
}
