/**
 * @module channels/vk/listen — Bots Long Poll (https://dev.vk.com/en/api/bots-long-poll/getting-started):
 * groups.getLongPollServer gives {server, key, ts}; `server?act=a_check&key&ts&wait=25` answers {ts, updates} or
 * {failed: 1 (ts too old: take the new ts), 2 (key expired: new key), 3 (information lost: new key and ts)}.
 * Each update is stored before the cursor moves past it. In callback mode the listener only waits for the stop.
 */
import { ChannelError, providerClient, type ListenContext } from '../../channel-kit/index.js';
import { callVk } from './api.js';
import type { VkConfig } from './config.js';

interface PollServer {
  server: string;
  key: string;
  ts: string;
}

async function pollServer(ctx: ListenContext<VkConfig>): Promise<PollServer> {
  const r = (await callVk(ctx, 'groups.getLongPollServer', { group_id: ctx.config.groupId })) as Partial<PollServer> & {
    ts?: string | number;
  };
  if (typeof r?.server !== 'string' || typeof r.key !== 'string' || r.ts === undefined)
    throw new ChannelError('UNAVAILABLE', 'VK sent an unreadable answer to groups.getLongPollServer');
  return { server: r.server, key: r.key, ts: String(r.ts) };
}

const aborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

export async function listenVk(ctx: ListenContext<VkConfig>, waitSeconds = 25): Promise<void> {
  if (ctx.config.inbound !== 'longpoll') return aborted(ctx.signal);
  // after a restart the saved position: the first server fetched keeps it (a key is new, the ts is ours)
  const saved = await ctx.cursor.get();
  let server: PollServer = { server: '', key: '', ts: saved ?? '' };
  let failures = 0;
  // what the start, failed 2 (a new key, same ts) or 3 (a new key and ts) asked for; fetched inside the retry loop,
  // so a throttled or unavailable groups.getLongPollServer is retried like a failed poll instead of stopping the listener
  let refresh: 'key' | 'all' | undefined = saved ? 'key' : 'all';
  while (!ctx.signal.aborted) {
    let answer: { ts?: string | number; updates?: unknown[]; failed?: number };
    try {
      if (refresh) {
        const fresh = await pollServer(ctx);
        server = refresh === 'key' ? { ...fresh, ts: server.ts } : fresh;
        refresh = undefined;
      }
      const client = providerClient({
        provider: 'VK',
        http: ctx.http,
        signal: ctx.signal,
        secrets: [ctx.config.accessToken, server.key],
      });
      const url = `${server.server}?act=a_check&key=${encodeURIComponent(server.key)}&ts=${encodeURIComponent(server.ts)}&wait=${waitSeconds}`;
      answer = (await client.call(url, { method: 'GET', what: 'long poll', timeoutMs: (waitSeconds + 10) * 1000 }))
        .json as typeof answer;
      failures = 0;
    } catch (error) {
      if (ctx.signal.aborted) return;
      if (error instanceof ChannelError && error.code === 'AUTH') throw error;
      failures++;
      ctx.log.warn('VK long poll failed; retrying', {
        attempt: failures,
        code: error instanceof ChannelError ? error.code : 'ERROR',
      });
      await pause(Math.min(30_000, 500 * 2 ** Math.min(failures, 6)), ctx.signal);
      continue;
    }
    if (answer.failed === 1 && answer.ts !== undefined) {
      server.ts = String(answer.ts);
      continue;
    }
    if (answer.failed === 2) {
      refresh = 'key';
      continue;
    }
    if (answer.failed !== undefined) {
      refresh = 'all';
      continue;
    }
    for (const update of answer.updates ?? []) await ctx.deliver({ body: Buffer.from(JSON.stringify(update)) });
    if (answer.ts !== undefined) {
      server.ts = String(answer.ts);
      await ctx.cursor.set(server.ts);
    }
  }
}
