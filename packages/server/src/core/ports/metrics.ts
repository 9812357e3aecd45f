/** @module core/ports/metrics — the counters core reports; app/ backs them with prom-client. */
export interface Metrics {
  webhookReceived(channelType: string): void;
  webhookRejected(channelType: string, reason: string): void;
  messageCounted(direction: 'inbound' | 'outbound', status: string): void;
  outboundAttempt(channelType: string, result: 'sent' | 'retry' | 'failed', seconds: number): void;
  /** a webchat visitor's request refused by a rate limit or the conversation cap (core/webchat/visitor-limits.ts) */
  visitorRefused(reason: string): void;
}
export const noMetrics: Metrics = {
  webhookReceived: () => undefined,
  webhookRejected: () => undefined,
  messageCounted: () => undefined,
  outboundAttempt: () => undefined,
  visitorRefused: () => undefined,
};
