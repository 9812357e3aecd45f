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
      await fetch(`${base}/sandbox/api${path}`, {
        headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) }),
      })
    ).json() as Promise<Record<string, unknown>>;

  it('serves the phone page and has every channel running', async () => {
    const page = await fetch(`${base}/sandbox`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Customer phone');
    for (const c of sandboxChannels) expect(html).toContain(`<option value="${c.type}">${c.label}</option>`);
    // the page signs in like the app: no credential of the hub is in it
    expect(html).not.toContain(sandbox.token);
    expect(html).toContain('Sign in to the sandbox');
    const { data } = await api<{ data: Array<{ type: string; status: string }> }>('/api/v1/connections');
    expect(data.map((c) => `${c.type}:${c.status}`).sort()).toEqual(
      sandboxChannels.map((c) => `${c.type}:RUNNING`).sort(),
    );
  });

  it('answers 404 for a channel the sandbox does not run', async () => {
    const res = await fetch(`${base}/sandbox/api/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'nope', name: 'Ana' }),
    });
    expect(res.status).toBe(404);
  });

  it('refuses the phone API without a sign-in, and with a token that is not the hub’s', async () => {
    const attempts: Array<Record<string, string>> = [{}, { authorization: 'Bearer sb_not-a-token-of-this-hub' }];
    for (const headers of attempts) {
      const res = await fetch(`${base}/sandbox/api/customers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ channel: sandboxChannels[0]?.type, name: 'Mallory' }),
      });
      expect(res.status).toBe(401);
    }
    const signedIn = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: sandbox.sb.bootstrap.ownerEmail,
        password: sandbox.sb.bootstrap.generatedPassword,
      }),
    });
    const { token } = (await signedIn.json()) as { token: string };
    const clock = await fetch(`${base}/sandbox/api/clock`, { headers: { authorization: `Bearer ${token}` } });
    expect(clock.status).toBe(200);
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

  it('skips ahead: the hub and the simulators age together, and the WhatsApp window closes', async () => {
    const { id } = (await phone('/customers', { channel: 'whatsapp', name: 'Bea' })) as { id: string };
    await phone(`/whatsapp/${id}/messages`, { text: 'is the window open?' });
    const conv = await eventually(
      async () =>
        (
          await api<{ data: Array<{ id: string; address: string; window?: { open: boolean } }> }>(
            '/api/v1/conversations',
          )
        ).data.find((c) => c.address.replace(/^\+/, '') === id),
      10_000,
      'the conversation',
    );
    expect(conv.window?.open).toBe(true);
    expect(((await phone('/clock/skip', { hours: 0 })) as { error?: unknown }).error).toBeDefined();
    const skipped = (await phone('/clock/skip', { hours: 25 })) as { offsetMs: number };
    expect(skipped.offsetMs).toBe(25 * 3600_000);
    const after = (await api<{ window?: { open: boolean } }>(`/api/v1/conversations/${conv.id}`)).window;
    expect(after?.open).toBe(false);
    const refused = await fetch(`${base}/api/v1/conversations/${conv.id}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: { type: 'text', text: 'too late' } }),
    });
    expect(refused.status).toBe(422);
  });

  it('replies through the number the customer wrote to (two WhatsApp numbers, sticky senders)', async () => {
    const vias = new Set<string>();
    for (const name of ['Cai', 'Dee']) {
      const { id } = (await phone('/customers', { channel: 'whatsapp', name })) as { id: string };
      await phone(`/whatsapp/${id}/messages`, { text: `hi from ${name}` });
      const conv = await eventually(
        async () =>
          (await api<{ data: Array<{ id: string; address: string }> }>('/api/v1/conversations')).data.find(
            (c) => c.address.replace(/^\+/, '') === id,
          ),
        10_000,
        'the conversation',
      );
      await api(`/api/v1/conversations/${conv.id}/messages`, {
        method: 'POST',
        body: JSON.stringify({ content: { type: 'text', text: `hello ${name}` } }),
      });
      const lines = await eventually(
        async () => {
          const all = (await phone(`/whatsapp/${id}/messages`)).lines as Array<{ direction: string; via?: string }>;
          return all.some((l) => l.direction === 'in') ? all : undefined;
        },
        10_000,
        'the reply',
      );
      const wrote = lines.find((l) => l.direction === 'out')?.via;
      const reply = lines.find((l) => l.direction === 'in')?.via;
      expect(reply).toBe(wrote);
      if (wrote) vias.add(wrote);
    }
    expect(vias.size).toBe(2);
  });
});
