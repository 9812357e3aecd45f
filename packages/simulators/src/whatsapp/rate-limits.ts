// WhatsApp throughput (default 80 msg/s per business number → 130429) and the pair rate limit (≈1 msg / 6 s to one
// customer with bursts up to 45 → 131056) (https://developers.facebook.com/docs/whatsapp/cloud-api/overview#throughput; both configurable).
import { KeyedBuckets } from '../rate/token-bucket.js';
import { GraphError } from './graph-errors.js';
import type { PhoneRecord } from './state.js';

export interface WhatsAppRateLimits {
  /** Burst a business number may send to one customer before 131056. Default 45. */
  pairBurst: number;
  /** One message per this many ms to one customer, sustained. Default 6000. */
  pairIntervalMs: number;
}

export const DEFAULT_WHATSAPP_RATE_LIMITS: WhatsAppRateLimits = { pairBurst: 45, pairIntervalMs: 6000 };

export class WhatsAppLimiter {
  private readonly throughput = new KeyedBuckets({ capacity: 80, refillPerSecond: 80 });
  private readonly pairs = new KeyedBuckets({ capacity: 45, refillPerSecond: 1 / 6 });

  constructor(private limits: WhatsAppRateLimits | null) {}

  configure(limits: WhatsAppRateLimits | null): void {
    this.limits = limits;
    this.throughput.clear();
    this.pairs.clear();
  }

  /** Charges one outgoing message; throws 130429 or 131056 exactly like the Cloud API. */
  charge(phone: PhoneRecord, waId: string, now: number): void {
    if (!this.limits) return;
    const mps = phone.throughputMps;
    if (!this.throughput.take(phone.id, now, { capacity: mps, refillPerSecond: mps }).ok)
      throw new GraphError({ code: 130429 });
    const pair = this.pairs.take(`${phone.id}/${waId}`, now, {
      capacity: this.limits.pairBurst,
      refillPerSecond: 1000 / this.limits.pairIntervalMs,
    });
    if (!pair.ok) throw new GraphError({ code: 131056 });
  }
}
