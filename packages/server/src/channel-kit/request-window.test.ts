import { describe, expect, it } from 'vitest';
import { requestWindow } from './request-window.js';

describe('requestWindow', () => {
  it('lets at most perSecond calls of one key out in any window, in order, and keys apart', async () => {
    const window = requestWindow(5, 200);
    const out: Array<{ key: string; n: number; at: number }> = [];
    await Promise.all([
      ...Array.from({ length: 12 }, (_, n) =>
        window.run('a', () => Promise.resolve(out.push({ key: 'a', n, at: Date.now() }))),
      ),
      ...Array.from({ length: 3 }, (_, n) =>
        window.run('b', () => Promise.resolve(out.push({ key: 'b', n, at: Date.now() }))),
      ),
    ]);
    const a = out.filter((o) => o.key === 'a');
    expect(a.map((o) => o.n)).toEqual([...Array(12).keys()]);
    // any 6 consecutive calls of a key span at least one window (timers fire late, never early)
    for (let i = 5; i < a.length; i++)
      expect((a[i] as { at: number }).at - (a[i - 5] as { at: number }).at).toBeGreaterThanOrEqual(199);
    // another key does not wait behind the first
    const b = out.filter((o) => o.key === 'b');
    expect(Math.max(...b.map((o) => o.at))).toBeLessThan((a[5] as { at: number }).at);
  });
  it('counts a call until a window after its answer: a slow call holds its slot while in flight', async () => {
    const window = requestWindow(1, 100);
    let release: () => void = () => undefined;
    const slow = window.run('k', () => new Promise<number>((r) => (release = () => r(Date.now()))));
    let startedAt = 0;
    const next = window.run('k', () => Promise.resolve((startedAt = Date.now())));
    await new Promise((r) => setTimeout(r, 150));
    expect(startedAt).toBe(0); // the first is still in flight after more than a window
    release();
    const answeredAt = await slow;
    await next;
    expect(startedAt - answeredAt).toBeGreaterThanOrEqual(99);
  });
  it('gives up a waiting call when its signal aborts, without calling it, and the key still works', async () => {
    const window = requestWindow(1, 60_000);
    await window.run('k', () => Promise.resolve());
    const ctl = new AbortController();
    let called = false;
    const waiting = window.run('k', () => Promise.resolve((called = true)), ctl.signal);
    ctl.abort(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
    expect(called).toBe(false);
    await expect(requestWindow(1, 60_000).run('k', () => Promise.resolve('ok'))).resolves.toBe('ok');
  });
});
