/**
 * Webhook deliveries under the address policy, on a real store with an injected resolver and an inner HTTP client
 * that counts what reaches it: a refused receiver is never called, its delivery is dead at once with the refusal as
 * the error; the workspace's opt-in (read at each round) lets private addresses through and never metadata ones; a
 * failure that is not a refusal (a name that does not resolve) keeps the usual retries. Create and update answer
 * 400 for a URL the policy refuses as written.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../model/index.js';
import { silentLogger, type Store, type WebhookDeliveryRecord } from '../ports/index.js';
import type { CorePorts } from '../deps.js';
import { AppError } from '../errors.js';
import { createSecretBox } from '../security/secret-box.js';
import { openTestStore } from '../../testing/test-databases.js';
import { WebhookService } from './webhook-service.js';

const ZONE: Record<string, string[]> = {
  'lan.example': ['10.0.0.5'],
  'public.example': ['93.184.216.34'],
  'meta.example': ['169.254.169.254'],
  'rebind.example': ['93.184.216.34', '127.0.0.1'],
};

describe('webhook deliveries under the address policy', () => {
  let store: Store;
  let dispose: () => Promise<void>;
  let service: WebhookService;
  const reached: string[] = [];
  const ws = newId('ws');
  const secrets = createSecretBox(randomBytes(32));

  beforeAll(async () => {
    ({ store, dispose } = await openTestStore('sqlite', 'whpolicy'));
    await store.migrate();
    await store.insertWorkspace({ id: ws, name: 'w', createdAt: new Date().toISOString() });
    const ports = {
      store,
      secrets,
      log: silentLogger,
      clock: { now: () => new Date() },
      // what a refusal must never reach: it answers 204 and notes the URL
      http: (url: string) => {
        reached.push(url);
        return Promise.resolve(new Response(null, { status: 204 }));
      },
      resolve: (host: string) =>
        ZONE[host]
          ? Promise.resolve(ZONE[host])
          : Promise.reject(Object.assign(new Error(`${host}: ENOTFOUND`), { code: 'ENOTFOUND' })),
    } as unknown as CorePorts;
    service = new WebhookService(ports, {
      retryBaseMs: 60_000,
      retryMaxMs: 60_000,
      maxAgeMs: 86_400_000,
      timeoutMs: 1000,
    });
  }, 30_000);
  afterAll(async () => dispose());
  beforeEach(async () => {
    reached.length = 0;
    await store.updateWorkspace(ws, { allowPrivateNetwork: false });
  });

  /** a subscription stored as is (as one saved before the policy), with one due delivery */
  const due = async (url: string): Promise<string> => {
    const at = new Date().toISOString();
    const sub = {
      id: newId('whs'),
      workspaceId: ws,
      url,
      eventTypes: ['*'],
      secret: secrets.seal('s3cret'),
      active: true,
      description: '',
      createdAt: at,
      updatedAt: at,
    };
    await store.insertWebhookSubscription(sub);
    const d: WebhookDeliveryRecord = {
      id: newId('whd'),
      subscriptionId: sub.id,
      workspaceId: ws,
      eventSeq: 1,
      eventType: 'message.received',
      body: '{}',
      status: 'pending',
      attempts: 0,
      nextAttemptAt: at,
      lastStatusCode: null,
      lastError: null,
      createdAt: at,
      updatedAt: at,
      deliveredAt: null,
    };
    await store.insertWebhookDeliveries([d]);
    return d.id;
  };
  const outcome = async (id: string) => {
    await service.tick();
    return store.getWebhookDelivery(ws, id);
  };

  it('never calls a receiver the policy refuses: dead at once, the refusal as the error', async () => {
    for (const [url, why] of [
      ['http://2130706433:8080/x', '127.0.0.1 is a loopback address'],
      ['http://lan.example/x', 'lan.example (10.0.0.5) is a private address'],
      ['http://meta.example/latest', 'meta.example (169.254.169.254) is a cloud metadata address'],
      ['http://rebind.example/', 'rebind.example (127.0.0.1)'],
    ] as const) {
      const d = await outcome(await due(url));
      expect(d, url).toMatchObject({ status: 'dead', attempts: 1, nextAttemptAt: null, lastStatusCode: null });
      expect(d?.lastError, url).toMatch(/^refused by the address policy: /);
      expect(d?.lastError, url).toContain(why);
    }
    expect(reached).toEqual([]);
  });

  it('retries a failure that is not a refusal', async () => {
    const d = await outcome(await due('http://nowhere.example/x'));
    expect(d).toMatchObject({ status: 'pending', attempts: 1 });
    expect(d?.lastError).toMatch(/^could not reach the receiver: cannot resolve nowhere\.example/);
    expect(reached).toEqual([]);
  });

  it('delivers to private addresses once the workspace opts in (read at delivery), never to metadata', async () => {
    const lan = await due('http://lan.example/x');
    const meta = await due('http://meta.example/x');
    await store.updateWorkspace(ws, { allowPrivateNetwork: true });
    await service.tick();
    expect((await store.getWebhookDelivery(ws, lan))?.status).toBe('delivered');
    expect(await store.getWebhookDelivery(ws, meta)).toMatchObject({ status: 'dead' });
    expect((await store.getWebhookDelivery(ws, meta))?.lastError).toMatch(
      /^refused by the address policy: meta\.example \(169\.254\.169\.254\)/,
    );
    expect(reached).toEqual(['http://lan.example/x']);
    const publicOne = await outcome(await due('http://public.example/x'));
    expect(publicOne?.status).toBe('delivered');
  });

  it('answers 400 at create and update for a URL refused as written; names pass until delivery', async () => {
    const refusal = async (p: Promise<unknown>) => {
      const e = await p.then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(e).toBeInstanceOf(AppError);
      return e as AppError;
    };
    const decimal = await refusal(service.create(ws, { url: 'http://2130706433:18401/x', eventTypes: ['*'] }));
    expect(decimal.code).toBe('VALIDATION');
    expect(decimal.message).toMatch(/^url: refused by the address policy: 127\.0\.0\.1 is a loopback address/);
    expect(
      (await refusal(service.create(ws, { url: 'http://169.254.169.254/latest/meta-data/', eventTypes: ['*'] }))).code,
    ).toBe('VALIDATION');
    expect((await refusal(service.create(ws, { url: 'javascript:alert(1)', eventTypes: ['*'] }))).code).toBe(
      'VALIDATION',
    );
    const { subscription } = await service.create(ws, { url: 'http://lan.example/x', eventTypes: ['*'] });
    expect((await refusal(service.update(ws, subscription.id, { url: 'http://0x0a000001/x' }))).code).toBe(
      'VALIDATION',
    );
    await store.updateWorkspace(ws, { allowPrivateNetwork: true });
    expect((await service.update(ws, subscription.id, { url: 'http://0x0a000001/x' })).url).toBe('http://0x0a000001/x');
    expect((await service.create(ws, { url: 'http://127.0.0.1:18401/x', eventTypes: ['*'] })).subscription.url).toBe(
      'http://127.0.0.1:18401/x',
    );
    expect(
      (await refusal(service.create(ws, { url: 'http://[fd00:ec2::254]/', eventTypes: ['*'] }))).message,
    ).toContain('cloud metadata (AWS IPv6)');
    expect(
      (await refusal(service.create(ws, { url: 'http://100.100.100.200/', eventTypes: ['*'] }))).message,
    ).toContain('Alibaba');
  });
});
