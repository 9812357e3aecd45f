/**
 * Inbound mode `listen` end to end: a connector that long-polls its provider (as VK's Long Poll API or an IMAP
 * mailbox will) hands each update to the hub, which stores it like a webhook and processes it into messages; the
 * cursor survives a restart, an update served twice is stored once, and a listener that fails turns the
 * connection to ERROR with its reason.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testListenConnector, type PollUpdate } from '../channel-kit/test-listen-connector.js';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';

type Update = PollUpdate;

/** a long-poll provider: GET /updates?after=<seq> answers the updates after it, or [] after a short wait */
class PollProvider {
  updates: Update[] = [];
  afters: number[] = [];
  /** serve every update again once, whatever `after` says (a provider that lost our acknowledgement) */
  replayOnce = false;
  revoked = false;
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (this.revoked)
        return void res
          .writeHead(401, { 'content-type': 'application/json' })
          .end('{"error":{"message":"token revoked"}}');
      const after = Number(url.searchParams.get('after') ?? '0');
      this.afters.push(after);
      const answer = () => {
        const replay = this.replayOnce;
        this.replayOnce = false;
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify(this.updates.filter((u) => replay || u.seq > after)));
      };
      if (this.updates.some((u) => u.seq > after) || this.replayOnce) answer();
      else setTimeout(answer, 50);
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  push(id: string, text: string): void {
    this.updates.push({ seq: this.updates.length + 1, id, from: 'poll-user-1', text });
  }

  close(): Promise<void> {
    return new Promise((r) => {
      this.server?.closeAllConnections();
      this.server?.close(() => r());
    });
  }
}

const pollConnector = testListenConnector;

describe('inbound mode listen (long poll)', () => {
  let t: TestServer;
  const provider = new PollProvider();
  let connectionId: string;
  const texts = async (): Promise<string[]> => {
    const convs = (await t.api<{ data: Array<{ id: string }> }>('GET', '/api/v1/conversations')).body.data;
    const all: string[] = [];
    for (const c of convs) {
      const msgs = (
        await t.api<{ data: Array<{ direction: string; content: { text?: string } }> }>(
          'GET',
          `/api/v1/conversations/${c.id}/messages`,
        )
      ).body.data;
      all.push(...msgs.filter((m) => m.direction === 'inbound').map((m) => m.content.text ?? ''));
    }
    return all.sort();
  };
  const status = async () =>
    (await t.api<{ status: string; statusReason: string | null }>('GET', `/api/v1/connections/${connectionId}`)).body;

  beforeAll(async () => {
    await provider.start();
    t = await startTestServer({ extraConnectors: [pollConnector] });
    connectionId = (
      await t.api<{ id: string }>('POST', '/api/v1/connections', {
        type: 'x-poll',
        name: 'poll',
        config: { signingSecret: 'poll-signing-secret', apiToken: 'poll-api-token', apiBaseUrl: provider.url },
      })
    ).body.id;
  });
  afterAll(async () => {
    await t.close();
    await provider.close();
  });

  it('turns every fetched update into one message, and an update served twice into one', async () => {
    provider.push('u1', 'first');
    provider.push('u2', 'second');
    expect((await t.api<{ status: string }>('POST', `/api/v1/connections/${connectionId}/start`)).body.status).toBe(
      'RUNNING',
    );
    await eventually(async () => (await texts()).length === 2 || undefined, 10_000, 'two messages');
    provider.replayOnce = true;
    provider.push('u3', 'third');
    await eventually(async () => (await texts()).length >= 3 || undefined, 10_000, 'the third message');
    await new Promise((r) => setTimeout(r, 300));
    expect(await texts()).toEqual(['first', 'second', 'third']);
  });

  it('stops polling when the connection stops, and resumes from its cursor after a start', async () => {
    expect((await t.api<{ status: string }>('POST', `/api/v1/connections/${connectionId}/stop`)).body.status).toBe(
      'STOPPED',
    );
    await new Promise((r) => setTimeout(r, 200));
    const polled = provider.afters.length;
    provider.push('u4', 'while stopped');
    await new Promise((r) => setTimeout(r, 300));
    expect(provider.afters.length).toBe(polled);
    await t.api('POST', `/api/v1/connections/${connectionId}/start`);
    await eventually(
      async () => (await texts()).includes('while stopped') || undefined,
      10_000,
      'the update sent while stopped',
    );
    // the first poll after the start asked for what came after the last stored update
    expect(provider.afters[polled]).toBe(3);
    expect(await texts()).toEqual(['first', 'second', 'third', 'while stopped']);
  });

  it('turns the connection to ERROR with the reason when the listener fails', async () => {
    provider.revoked = true;
    const failed = await eventually(async () => {
      const s = await status();
      return s.status === 'ERROR' ? s : undefined;
    });
    expect(failed.statusReason).toMatch(/listener stopped: the provider answered 401/);
    provider.revoked = false;
  });
});
