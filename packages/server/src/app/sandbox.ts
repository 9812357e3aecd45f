/**
 * @module app/sandbox
 * `switchboard sandbox`: the hub with a local simulator and a ready connection per channel (sandbox-channels/), plus a
 * "customer phone" page where a newcomer writes as a customer of any of them and watches the conversation
 * arrive in Switchboard — no accounts, no internet. Data lives in a fresh `sandbox/` folder of the data dir.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { generateApiToken } from '../core/security/api-tokens.js';
import type { Config } from './config.js';
import { createSwitchboard, type Switchboard } from './main.js';
import { sandboxPage } from './sandbox-page.js';
import { sandboxChannels, type SandboxChannel, type SandboxChannelHandle } from './sandbox-channels/index.js';

/** one simulated channel as it runs: its simulator, its connection, its customer side */
export interface SandboxChannelRun {
  type: string;
  label: string;
  emoji: string;
  connectionId: string;
  simulatorUrl: string;
  handle: SandboxChannelHandle;
}

export interface Sandbox {
  sb: Switchboard;
  token: string;
  url: string;
  /** by connector type */
  channels: Record<string, SandboxChannelRun>;
  close(): Promise<void>;
}

function sandboxRoutes(app: FastifyInstance, channels: Record<string, SandboxChannelRun>, token: string): void {
  const channelOf = (type: string) => {
    const run = channels[type];
    if (!run) throw Object.assign(new Error(`the sandbox has no ${type} channel`), { statusCode: 404 });
    return run.handle;
  };
  app.get('/sandbox', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/html; charset=utf-8').send(
      sandboxPage(
        token,
        Object.values(channels).map(({ type, label, emoji }) => ({ type, label, emoji })),
      ),
    ),
  );
  app.post('/sandbox/api/customers', { schema: { hide: true } }, async (req) => {
    const { channel, name } = req.body as { channel: string; name: string };
    return await channelOf(channel).createCustomer(name);
  });
  app.post('/sandbox/api/:channel/:id/messages', { schema: { hide: true } }, async (req) => {
    const { channel, id } = req.params as { channel: string; id: string };
    const { text } = req.body as { text: string };
    await channelOf(channel).sendText(id, text);
    return { ok: true };
  });
  app.post('/sandbox/api/:channel/:id/press', { schema: { hide: true } }, async (req, reply) => {
    const { channel, id } = req.params as { channel: string; id: string };
    const input = req.body as { messageId: number | string; buttonId: string; title?: string };
    const handle = channelOf(channel);
    if (!handle.press) return reply.code(400).send({ error: { message: `${channel} has no buttons` } });
    await handle.press(id, input);
    return { ok: true };
  });
  app.get('/sandbox/api/:channel/:id/messages', { schema: { hide: true } }, async (req) => {
    const { channel, id } = req.params as { channel: string; id: string };
    const lines = await channelOf(channel).lines(id);
    return { lines: [...lines].sort((a, b) => a.at.localeCompare(b.at)) };
  });
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
  const sb = await createSwitchboard(
    { ...config, dataDir, mediaDir: join(dataDir, 'media'), adminToken: token },
    { extraRoutes: (app) => sandboxRoutes(app, channels, token) },
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
      emoji: channel.emoji,
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
    async close() {
      await sb.close();
      await Promise.allSettled(started.map(({ handle }) => handle.close()));
    },
  };
}
