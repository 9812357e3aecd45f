/**
 * @module app/sandbox
 * `switchboard sandbox`: the hub with a local simulator and a ready connection per channel (sandbox-channels/), plus a
 * "customer phone" page where a newcomer writes as a customer of any of them and watches the conversation
 * arrive in Switchboard — no accounts, no internet. Data lives in a fresh `sandbox/` folder of the data dir.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../core/ports/clock.js';
import { generateApiToken } from '../core/security/api-tokens.js';
import type { Config } from './config.js';
import { createSwitchboard, type Switchboard } from './main.js';
import { sandboxPage } from './sandbox-page.js';
import { sandboxChannels, type SandboxChannel, type SandboxChannelHandle } from './sandbox-channels/index.js';

/** one simulated channel as it runs: its simulator, its connection, its customer side */
export interface SandboxChannelRun {
  type: string;
  label: string;
  icon: string;
  connectionId: string;
  simulatorUrl: string;
  handle: SandboxChannelHandle;
}

export interface Sandbox {
  sb: Switchboard;
  token: string;
  url: string;
  /** how far the sandbox's time runs ahead of the real clock ("skip ahead" on the page) */
  clockOffsetMs(): number;
  /** by connector type */
  channels: Record<string, SandboxChannelRun>;
  close(): Promise<void>;
}

/** the sandbox's time: the real clock plus what "skip ahead" added, shared by the hub and every simulator */
class SandboxClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

const MAX_SKIP_HOURS = 24 * 8;

function sandboxRoutes(app: FastifyInstance, channels: Record<string, SandboxChannelRun>, clock: SandboxClock): void {
  const channelOf = (type: string) => {
    const run = channels[type];
    if (!run) throw Object.assign(new Error(`the sandbox has no ${type} channel`), { statusCode: 404 });
    return run.handle;
  };
  // the page holds no credential: it signs in like the app (the same stored session), and so must every call
  app.get('/sandbox', { schema: { hide: true } }, async (_req, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .send(sandboxPage(Object.values(channels).map(({ type, label, icon }) => ({ type, label, icon })))),
  );
  void app.register(
    async (phone) => {
      // the same bearer check as /api/v1, by asking it: a session or an API token of this hub, nothing else
      phone.addHook('onRequest', async (req, reply) => {
        const me = await app.inject({
          method: 'GET',
          url: '/api/v1/me',
          headers: req.headers.authorization ? { authorization: req.headers.authorization } : {},
        });
        if (me.statusCode !== 200)
          return reply
            .code(me.statusCode === 429 ? 429 : 401)
            .send({ error: { code: 'UNAUTHORIZED', message: 'sign in to the sandbox first' } });
      });
      phone.post('/customers', { schema: { hide: true } }, async (req) => {
        const { channel, name } = req.body as { channel: string; name: string };
        return await channelOf(channel).createCustomer(name);
      });
      phone.post('/:channel/:id/messages', { schema: { hide: true } }, async (req) => {
        const { channel, id } = req.params as { channel: string; id: string };
        const { text } = req.body as { text: string };
        await channelOf(channel).sendText(id, text);
        return { ok: true };
      });
      phone.post('/:channel/:id/press', { schema: { hide: true } }, async (req, reply) => {
        const { channel, id } = req.params as { channel: string; id: string };
        const input = req.body as { messageId: number | string; buttonId: string; title?: string };
        const handle = channelOf(channel);
        if (!handle.press) return reply.code(400).send({ error: { message: `${channel} has no buttons` } });
        await handle.press(id, input);
        return { ok: true };
      });
      phone.get('/:channel/:id/messages', { schema: { hide: true } }, async (req) => {
        const { channel, id } = req.params as { channel: string; id: string };
        const lines = await channelOf(channel).lines(id);
        return { lines: [...lines].sort((a, b) => a.at.localeCompare(b.at)) };
      });
      phone.get('/clock', { schema: { hide: true } }, async () => ({ offsetMs: clock.offsetMs, now: clock.now() }));
      // ages every conversation at once, so the 24-hour window (and anything else timed) can be tried
      phone.post('/clock/skip', { schema: { hide: true } }, async (req, reply) => {
        const hours = Number((req.body as { hours?: unknown } | undefined)?.hours);
        if (!Number.isFinite(hours) || hours <= 0 || hours > MAX_SKIP_HOURS)
          return reply
            .code(400)
            .send({ error: { code: 'VALIDATION', message: `hours must be between 0 and ${MAX_SKIP_HOURS}` } });
        const ms = Math.round(hours * 3600_000);
        clock.offsetMs += ms;
        for (const run of Object.values(channels)) run.handle.advance?.(ms);
        return { offsetMs: clock.offsetMs, now: clock.now() };
      });
    },
    { prefix: '/sandbox/api' },
  );
}

export async function startSandbox(
  config: Config,
  only: readonly SandboxChannel[] = sandboxChannels,
): Promise<Sandbox> {
  const started: Array<{ channel: SandboxChannel; handle: SandboxChannelHandle }> = [];
  try {
    for (const channel of only) started.push({ channel, handle: await channel.start() });
  } catch (error) {
    await Promise.allSettled(started.map(({ handle }) => handle.close()));
    throw error;
  }
  const channels: Record<string, SandboxChannelRun> = {};
  const dataDir = join(config.dataDir, 'sandbox');
  rmSync(dataDir, { recursive: true, force: true });
  const token = config.adminToken ?? generateApiToken();
  const clock = new SandboxClock();
  const sb = await createSwitchboard(
    { ...config, dataDir, mediaDir: join(dataDir, 'media'), adminToken: token },
    { clock, extraRoutes: (app) => sandboxRoutes(app, channels, clock) },
  );
  const url = await sb.listen();
  const ws = sb.bootstrap.workspaceId;
  for (const { channel, handle } of started) {
    const conn = await sb.hub.connections.create(ws, handle.connection);
    await sb.hub.connections.start(ws, conn.id);
    await handle.connected?.({ id: conn.id, webhookUrl: conn.webhookUrl, config: conn.config });
    channels[channel.type] = {
      type: channel.type,
      label: channel.label,
      icon: channel.icon,
      connectionId: conn.id,
      simulatorUrl: handle.simulatorUrl,
      handle,
    };
  }
  return {
    sb,
    token,
    url,
    channels,
    clockOffsetMs: () => clock.offsetMs,
    async close() {
      await sb.close();
      await Promise.allSettled(started.map(({ handle }) => handle.close()));
    },
  };
}
