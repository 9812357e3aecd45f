/**
 * Against the VK simulator (which answers error 6 past 20 requests a second per token, as VK does): a burst of
 * replies and typing indicators from one community token — more calls at once than VK allows in a second — goes
 * out without a single error 6, because every method call waits for the token's window, not only the sends.
 */
import { startVkSimulator, type VkSimulator } from '@switchboard/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vkConfigSchema } from './config.js';
import { vkConnector } from './index.js';

describe('vk: one request window per community token', () => {
  let sim: VkSimulator;
  beforeAll(async () => {
    sim = await startVkSimulator();
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('sends 30 replies and 30 typing indicators at once without meeting error 6', async () => {
    const user = sim.createUser({ firstName: 'Ivan', lastName: 'Burst' });
    const ctx = {
      connectionId: 'conn_vk_window',
      config: vkConfigSchema.parse({ groupId: sim.groupId, accessToken: sim.token, apiBaseUrl: sim.url }),
      webhookUrl: 'http://127.0.0.1:9/webhooks/conn_vk_window',
      http: (url: string, init?: RequestInit) => fetch(url, init),
      signal: AbortSignal.timeout(20_000),
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      media: { read: () => Promise.reject(new Error('no media')) },
    };
    const typing = vkConnector.features.typing;
    if (!typing) throw new Error('vk has a typing feature');
    const calls = await Promise.allSettled([
      ...Array.from({ length: 30 }, (_, i) =>
        vkConnector.send(
          {
            id: `msg_window_${i}`,
            conversationId: 'conv_window',
            to: String(user),
            content: { type: 'text', text: `reply ${i}` },
          },
          ctx,
        ),
      ),
      ...Array.from({ length: 30 }, () => typing(String(user), ctx)),
    ]);
    expect(
      calls.filter((c) => c.status === 'rejected').map((c) => String((c as PromiseRejectedResult).reason)),
    ).toEqual([]);
    expect(sim.tooManyRequests).toEqual([]);
    expect(sim.sent.filter((m) => m.text.startsWith('reply '))).toHaveLength(30);
  });
});
