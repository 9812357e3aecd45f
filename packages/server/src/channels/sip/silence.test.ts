import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GOODBYE, SilenceWatch, STILL_THERE } from './silence.js';

/** a call the watch talks to: what it said, in order, and whether it hung up */
function line() {
  const said: string[] = [];
  const hungUp: string[] = [];
  let clip = 0;
  let live = true;
  const watch = new SilenceWatch(
    {
      later: (ms, run) => setTimeout(run, ms),
      cancel: (t) => clearTimeout(t),
      listening: () => live,
      speak: (_id, text) => {
        said.push(text);
        return Promise.resolve(++clip);
      },
      hangUp: (_id, cause) => hungUp.push(cause),
    },
    () => 6000,
  );
  return { watch, said, hungUp, lastClip: () => clip, end: () => (live = false) };
}

describe('a silent caller', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('is asked again after each silence and let go after three, with a goodbye heard to its end', async () => {
    const l = line();
    l.watch.played('c1', 100, false); // the greeting was heard
    await vi.advanceTimersByTimeAsync(5999);
    expect(l.said).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(l.said).toEqual([STILL_THERE]);
    // the prompt is heard; the next round starts from its end
    l.watch.played('c1', l.lastClip(), false);
    await vi.advanceTimersByTimeAsync(6000);
    l.watch.played('c1', l.lastClip(), false);
    await vi.advanceTimersByTimeAsync(6000);
    expect(l.said).toEqual([STILL_THERE, STILL_THERE, GOODBYE]);
    expect(l.hungUp).toEqual([]);
    l.watch.played('c1', l.lastClip(), false);
    expect(l.hungUp).toEqual(['the caller said nothing 3 times']);
  });

  it('starts counting again when the caller speaks or presses a key, and waits while the hub speaks', async () => {
    const l = line();
    l.watch.played('c1', 1, false);
    await vi.advanceTimersByTimeAsync(6000);
    l.watch.played('c1', l.lastClip(), false);
    await vi.advanceTimersByTimeAsync(6000);
    expect(l.said).toEqual([STILL_THERE, STILL_THERE]);
    l.watch.heard('c1'); // speech began: the count is back to none
    l.watch.played('c1', 50, false); // the agent's answer heard
    await vi.advanceTimersByTimeAsync(6000);
    expect(l.said.at(-1)).toBe(STILL_THERE);
    expect(l.hungUp).toEqual([]);
    // the hub about to speak again: no prompt while the reply is being made
    l.watch.played('c1', l.lastClip(), false);
    l.watch.speaking('c1');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(l.said).toHaveLength(3);
  });

  it('watches nothing when a clip was cut by the caller, the call was handed on, or it ended', async () => {
    const l = line();
    l.watch.played('c1', 1, true); // barged into: the caller is talking
    await vi.advanceTimersByTimeAsync(60_000);
    l.watch.played('c2', 1, false);
    l.watch.ended('c2');
    await vi.advanceTimersByTimeAsync(60_000);
    l.end(); // being transferred, or gone
    l.watch.played('c3', 1, false);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(l.said).toEqual([]);
  });
});

describe('a line that never asks', () => {
  it('watches nothing when the silence is 0', () => {
    vi.useFakeTimers();
    try {
      const said: string[] = [];
      const watch = new SilenceWatch(
        {
          later: (ms, run) => setTimeout(run, ms),
          cancel: (t) => clearTimeout(t),
          listening: () => true,
          speak: (_id, text) => Promise.resolve(said.push(text)),
          hangUp: () => said.push('hung up'),
        },
        () => 0,
      );
      watch.played('c1', 1, false);
      vi.advanceTimersByTime(600_000);
      expect(said).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });
});
