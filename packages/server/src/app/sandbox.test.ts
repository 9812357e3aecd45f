/**
 * `switchboard sandbox` as a newcomer uses it: every simulated channel comes up RUNNING, a customer writing on the
 * phone page's API shows up in Switchboard, an operator reply (with buttons) reaches the phone, and pressing a
 * button (or, where the channel has none, answering the numbered option) comes back as the customer's choice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { startSandbox, type Sandbox } from './sandbox.js';
import { sandboxChannels } from './sandbox-channels/index.js';
import { eventually } from '../testing/test-server.js';
import { freePort } from '../testing/server-process.js';

describe('switchboard sandbox', () => {
  let sandbox: Sandbox;
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-sandbox-'));
  let base: string;
  beforeAll(async () => {
    const port = await freePort();
    sandbox = await startSandbox(
      loadConfig({
        PORT: String(port),
        HOST: '127.0.0.1',
        SWITCHBOARD_DATA_DIR: dir,
        LOG_LEVEL: 'silent',
        SWITCHBOARD_PUBLIC_URL: `http://127.0.0.1:${port}`,
      }),
    );
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const api = async <T>(path: string, init: RequestInit = {}): Promise<T> =>
    (await (
      await fetch(`${base}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json' },
      })
    ).json()) as T;
  const phone = async (path: string, body?: unknown) =>
    (
      await fetch(
        `${base}/sandbox/api${path}`,
        body === undefined
          ? {}
          : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
      )
    ).json() as Promise<Record<string, unknown>>;

  it('serves the phone page and has every channel running', async () => {
    const page = await fetch(`${base}/sandbox`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Customer phone');
    for (const c of sandboxChannels) expect(html).toContain(`<option value="${c.type}">${c.label}</option>`);
    const { data } = await api<{ data: Array<{ type: string; status: string }> }>('/api/v1/connections');
    expect(data.map((c) => `${c.type}:${c.status}`).sort()).toEqual(
      sandboxChannels.map((c) => `${c.type}:RUNNING`).sort(),
    );
  });

  it('answers 404 for a channel the sandbox does not run', async () => {
    const res = await fetch(`${base}/sandbox/api/customers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'nope', name: 'Ana' }),
    });
    expect(res.status).toBe(404);
  });

  for (const channel of sandboxChannels.map((c) => c.type)) {
    it(`carries a ${channel} conversation both ways`, async () => {
      const { id } = (await phone('/customers', { channel, name: 'Ana' })) as { id: string };
      await phone(`/${channel}/${id}/messages`, { text: `hello over ${channel}` });
      const conv = await eventually(
        async () =>
          (
            await api<{ data: Array<{ id: string; address: string; channelType: string }> }>('/api/v1/conversations')
          ).data.find((c) => c.address.replace(/^\+/, '') === id),
        10_000,
        'the conversation',
      );
      expect(conv.channelType).toBe(channel);
      const sent = await api<{ status?: string }>(`/api/v1/conversations/${conv.id}/messages`, {
        method: 'POST',
        body: JSON.stringify({
          content: {
            type: 'interactive',
            interactive: {
              kind: 'buttons',
              text: 'How can we help?',
              buttons: [{ id: 'human', title: 'Talk to a human' }],
            },
          },
        }),
      });
      expect(sent.status).toBe('queued');
      const reply = await eventually(
        async () =>
          (
            (await phone(`/${channel}/${id}/messages`)).lines as Array<{
              direction: string;
              text: string;
              messageId: string;
              buttons?: unknown[];
            }>
          ).find((l) => l.direction === 'in' && l.text.startsWith('How can we help?')),
        10_000,
        'the reply on the phone',
      );
      if (reply.buttons) {
        expect(reply.text).toBe('How can we help?');
        await phone(`/${channel}/${id}/press`, {
          messageId: reply.messageId,
          buttonId: 'human',
          title: 'Talk to a human',
        });
      } else {
        // a channel without buttons gets them as numbered options (core/degradation); the number is the choice
        expect(reply.text).toContain('Reply 1 for Talk to a human');
        await phone(`/${channel}/${id}/messages`, { text: '1' });
      }
      await eventually(
        async () => {
          const { data } = await api<{
            data: Array<{ content: { type: string; interactive?: { reply?: { id: string } } } }>;
          }>(`/api/v1/conversations/${conv.id}/messages`);
          return data.some((m) => m.content.type === 'interactive' && m.content.interactive?.reply?.id === 'human');
        },
        10_000,
        'the button press in Switchboard',
      );
    });
  }
});
