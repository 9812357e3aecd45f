// getUpdates long polling: one waiting request per bot; a newer poll or setWebhook terminates it with 409
// (https://core.telegram.org/bots/api#making-requests Conflict strings; server caps timeout at 50 s — tdlib Client.h LONG_POLL_MAX_TIMEOUT).
import type { TimerSet } from '../timer-set.js';
import type { BotApiError } from './errors.js';

type WakeReason = 'update' | 'timeout' | 'closed' | BotApiError;

interface Waiter {
  wake(reason: WakeReason): void;
}

export class LongPolls {
  private readonly waiters = new Map<number, Waiter>();

  constructor(private readonly timers: TimerSet) {}

  isWaiting(botId: number): boolean {
    return this.waiters.has(botId);
  }

  /** Waits for an update, the timeout, or termination (resolved with the 409 error to answer). */
  wait(botId: number, timeoutMs: number): Promise<WakeReason> {
    return new Promise<WakeReason>((resolve) => {
      let done = false;
      const timer = this.timers.after(timeoutMs, () => waiter.wake('timeout'));
      const waiter: Waiter = {
        wake: (reason) => {
          if (done) return;
          done = true;
          this.timers.cancel(timer);
          if (this.waiters.get(botId) === waiter) this.waiters.delete(botId);
          resolve(reason);
        },
      };
      if (!timer) {
        resolve('closed');
        return;
      }
      this.waiters.set(botId, waiter);
    });
  }

  notify(botId: number): void {
    this.waiters.get(botId)?.wake('update');
  }

  terminate(botId: number, error: BotApiError): void {
    this.waiters.get(botId)?.wake(error);
  }

  closeAll(): void {
    for (const w of [...this.waiters.values()]) w.wake('closed');
  }
}
