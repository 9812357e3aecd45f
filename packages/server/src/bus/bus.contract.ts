/**
 * @module bus/bus.contract
 * The Bus port's contract, run by every implementation (in-process now, NATS JetStream with the scaled mode).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Bus, DeadLetter } from '../core/ports/index.js';

const until = async (fn: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

export function runBusContract(name: string, open: () => Promise<Bus>): void {
  describe(`bus contract: ${name}`, () => {
    let bus: Bus | undefined;
    afterEach(async () => {
      await bus?.close();
      bus = undefined;
    });

    it('delivers every message of a key in order, one at a time, while other keys run in parallel', async () => {
      bus = await open();
      const seen: Record<string, number[]> = { a: [], b: [] };
      let inFlightA = 0;
      let maxInFlightA = 0;
      let overlapped = false;
      let inFlight = 0;
      bus.consume(
        'work',
        async (m) => {
          const key = m.key;
          inFlight++;
          if (inFlight > 1) overlapped = true;
          if (key === 'a') maxInFlightA = Math.max(maxInFlightA, ++inFlightA);
          await new Promise((r) => setTimeout(r, 2));
          seen[key]?.push(Number(m.payload.n));
          if (key === 'a') inFlightA--;
          inFlight--;
        },
        { concurrency: 4 },
      );
      for (let n = 0; n < 20; n++) {
        await bus.publish('work', { key: 'a', payload: { n } });
        await bus.publish('work', { key: 'b', payload: { n } });
      }
      await until(() => (seen.a?.length ?? 0) === 20 && (seen.b?.length ?? 0) === 20);
      expect(seen.a).toEqual([...Array(20).keys()]);
      expect(seen.b).toEqual([...Array(20).keys()]);
      expect(maxInFlightA).toBe(1);
      expect(overlapped).toBe(true);
    });

    it('redelivers after a handler failure, then dead-letters after the maximum', async () => {
      bus = await open();
      const attempts: number[] = [];
      const letters: DeadLetter[] = [];
      bus.onDeadLetter((l) => letters.push(l));
      bus.consume(
        'flaky',
        async (m, d) => {
          attempts.push(d.attempt);
          if (m.payload.fail === 'always' || d.attempt < 2) throw new Error(`attempt ${d.attempt} failed`);
        },
        { maxDeliveries: 3 },
      );
      await bus.publish('flaky', { key: 'k', payload: { fail: 'once' } });
      await until(() => attempts.length === 2);
      await bus.publish('flaky', { key: 'k2', payload: { fail: 'always' } });
      await until(() => letters.length === 1);
      expect(letters[0]).toMatchObject({ topic: 'flaky', deliveries: 3, error: 'attempt 3 failed' });
      expect(attempts).toEqual([1, 2, 1, 2, 3]);
    });

    it('lets the handler in flight finish on close, then refuses to publish', async () => {
      bus = await open();
      let started = false;
      let finished = false;
      bus.consume('slow', async () => {
        started = true;
        await new Promise((r) => setTimeout(r, 100));
        finished = true;
      });
      await bus.publish('slow', { key: 'k', payload: {} });
      await until(() => started);
      await bus.close();
      expect(finished).toBe(true);
      await expect(bus.publish('slow', { key: 'k', payload: {} })).rejects.toThrow();
    });

    it('broadcasts to every subscriber', async () => {
      bus = await open();
      const a: unknown[] = [];
      const b: unknown[] = [];
      bus.subscribeBroadcast('events', (m) => a.push(m.payload));
      const sub = bus.subscribeBroadcast('events', (m) => b.push(m.payload));
      await bus.publish('events', { key: 'x', payload: { n: 1 } });
      await until(() => a.length === 1 && b.length === 1);
      await sub.close();
      await bus.publish('events', { key: 'x', payload: { n: 2 } });
      await until(() => a.length === 2);
      expect(b).toHaveLength(1);
      expect(await bus.ping()).toBe(true);
    });
  });
}
