/**
 * @module channel-kit/request-window — a provider's limit on API requests per second for one credential, kept in
 * this process: a call waits until fewer than `perSecond` calls went out in the last second under its key. For
 * providers that count every method call against one token (VK: 20 requests/s for a community token,
 * https://dev.vk.com/en/api/api-requests#restrictions-and-recommendations), where the hub's pacer counts only the
 * messages: uploads, typing, read marks and profile lookups share the same allowance. Across processes the
 * provider's own "too many requests" answer remains the backstop (retried like every RATE_LIMITED).
 * A sliding window of send times, not a library: what is needed is one await per call keyed by credential, with
 * the caller's abort signal, and nothing in the npm field does only that without a scheduler of its own.
 */
export interface RequestWindow {
  /**
   * runs `call` once fewer than `perSecond` calls under `key` are in flight or finished within the last window;
   * rejects without calling when `signal` aborts first. A call counts from when it goes out until a window after its
   * answer came back — the provider counts arrivals, which lie somewhere in between
   */
  run<T>(key: string, call: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

export function requestWindow(perSecond: number, windowMs = 1000, now: () => number = Date.now): RequestWindow {
  // per key: when each counted call ended (Infinity while it is in flight)
  const sent = new Map<string, number[]>();
  // calls of one key queue in order, so a waiting call is not overtaken by a later one
  const tails = new Map<string, Promise<void>>();
  const slot = async (key: string, signal?: AbortSignal): Promise<number[]> => {
    for (;;) {
      signal?.throwIfAborted();
      const t = now();
      const times = (sent.get(key) ?? []).filter((s) => s > t - windowMs);
      sent.set(key, times);
      if (times.length < perSecond) return times;
      // all in flight: the first to come back frees a slot a window later, so look again then
      const oldest = Math.min(...times);
      const wait = Number.isFinite(oldest) ? oldest + windowMs - t : windowMs / 4;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, wait);
        const onAbort = () => {
          clearTimeout(timer);
          reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
  };
  return {
    async run(key, call, signal) {
      const previous = tails.get(key) ?? Promise.resolve();
      // the slot is taken in order (a waiting call is not overtaken), the call itself runs beside the others
      const taken = previous.then(async () => {
        const times = await slot(key, signal);
        times.push(Infinity);
        return times;
      });
      const tail = taken.then(
        () => undefined,
        () => undefined,
      );
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      await taken;
      try {
        return await call();
      } finally {
        const times = sent.get(key) ?? [];
        const i = times.indexOf(Infinity);
        if (i >= 0) times[i] = now();
        sent.set(key, times);
      }
    },
  };
}
