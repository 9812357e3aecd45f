/**
 * The admin notifier and the health alerts over a real SQLite store (the marks' claim is the store's, checked for
 * both dialects in store/contract/health.contract.ts), with a mail channel that records what it is given: who is
 * written to, the pace per key, a failed mail giving its claim back, and which health changes are mailed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../channel-kit/index.js';
import { createSqliteStore } from '../../store/sqlite/index.js';
import type { KyselyStore } from '../../store/sql/kysely-store.js';
import type { ConnectionService, LiveConnection } from '../connections/connection-service.js';
import type { CoreDeps } from '../deps.js';
import { HealthAlerts } from '../health/health-alerts.js';
import type { ConnectionRecord, HealthCheckRecord } from '../ports/index.js';
import { AdminNotifier } from './admin-notifier.js';

const MINUTE = 60_000;
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe('admin notifier', () => {
  let dir: string;
  let store: KyselyStore;
  let now = Date.parse('2026-12-07T10:00:00Z');
  const sent: OutboundMessage[] = [];
  let failSends = false;
  const connection = (id: string, overrides: Partial<ConnectionRecord> = {}): ConnectionRecord =>
    ({
      id,
      workspaceId: 'ws_a',
      type: 'email',
      name: 'Alerts',
      description: null,
      config: {},
      status: 'RUNNING',
      statusReason: null,
      deprecated: false,
      createdAt: new Date(now).toISOString(),
      updatedAt: new Date(now).toISOString(),
      ...overrides,
    }) as ConnectionRecord;
  const mailConnector = {
    type: 'email',
    displayName: 'Email',
    addressKind: 'email',
    capabilities: { outbound: ['text'] },
    send: (m: OutboundMessage) => {
      if (failSends) return Promise.reject(new Error('SMTP 451 try later'));
      sent.push(m);
      return Promise.resolve({ providerMessageId: `<${m.id}@x>` });
    },
  };
  const lives = new Map<string, LiveConnection>();
  const connections = {
    live: (id: string) => Promise.resolve(lives.get(id)),
    context: (live: LiveConnection) => ({ connectionId: live.record.id, config: {}, webhookUrl: '', log: silent }),
  } as unknown as ConnectionService;
  let notifier: AdminNotifier;
  const deps = () =>
    ({
      store,
      clock: { now: () => new Date(now) },
      log: silent,
      redactor: { add: () => undefined, scrub: (s: string) => s },
      settings: { publicUrl: 'https://hub.example' },
      registry: { get: () => ({ displayName: 'SMS (Twilio)' }), list: () => [] },
    }) as unknown as CoreDeps;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-notify-'));
    store = createSqliteStore(join(dir, 'n.db'));
    await store.migrate();
    for (const ws of ['ws_a', 'ws_b'])
      await store.insertWorkspace({ id: ws, name: ws, createdAt: new Date(now).toISOString() });
    const user = (id: string, ws: string, role: 'owner' | 'admin' | 'operator') =>
      store.insertUser({
        id,
        workspaceId: ws,
        email: `${id}@example.test`,
        name: id,
        role,
        passwordHash: null,
        createdAt: new Date(now).toISOString(),
      });
    await user('usr_owner', 'ws_a', 'owner');
    await user('usr_admin', 'ws_a', 'admin');
    await user('usr_op', 'ws_a', 'operator');
    await user('usr_other', 'ws_b', 'owner');
    lives.set('conn_mail', {
      record: connection('conn_mail'),
      connector: mailConnector,
      config: {},
    } as unknown as LiveConnection);
    lives.set('conn_b', {
      record: connection('conn_b', { workspaceId: 'ws_b' }),
      connector: mailConnector,
      config: {},
    } as unknown as LiveConnection);
    notifier = new AdminNotifier(deps(), connections, { minIntervalMs: 30 * MINUTE });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('needs a notification channel of its own workspace that can send mail', async () => {
    expect(await notifier.notifyAdmins('ws_a', { subject: 's', text: 't' })).toMatchObject({
      sent: false,
      reason: 'no_channel',
    });
    // another workspace's connection named by id is not this workspace's channel
    await store.updateWorkspace('ws_a', { notificationConnectionId: 'conn_b' });
    expect(await notifier.notifyAdmins('ws_a', { subject: 's', text: 't' })).toMatchObject({ reason: 'no_channel' });
    const stopped = { ...lives.get('conn_mail'), record: connection('conn_stopped', { status: 'STOPPED' }) };
    lives.set('conn_stopped', stopped as LiveConnection);
    await store.updateWorkspace('ws_a', { notificationConnectionId: 'conn_stopped' });
    expect(await notifier.notifyAdmins('ws_a', { subject: 's', text: 't' })).toMatchObject({
      reason: 'channel_unusable',
    });
    expect(sent).toEqual([]);
  });

  it('mails each owner and admin alone, automated, once per key per interval', async () => {
    await store.updateWorkspace('ws_a', { notificationConnectionId: 'conn_mail' });
    const first = await notifier.notifyAdmins('ws_a', { subject: 'Paused', text: 'Campaign paused', key: 'k1' });
    expect(first.sent && [...first.to].sort()).toEqual(['usr_admin@example.test', 'usr_owner@example.test']);
    expect(sent.map((m) => [m.to, m.subject, m.automated, m.content]).sort()).toEqual([
      ['usr_admin@example.test', 'Paused', true, { type: 'text', text: 'Campaign paused' }],
      ['usr_owner@example.test', 'Paused', true, { type: 'text', text: 'Campaign paused' }],
    ]);
    now += 10 * MINUTE;
    expect(await notifier.notifyAdmins('ws_a', { subject: 'Paused', text: 'again', key: 'k1' })).toMatchObject({
      sent: false,
      reason: 'rate_limited',
    });
    // another key has its own pace
    expect((await notifier.notifyAdmins('ws_a', { subject: 'Other', text: 'x', key: 'k2' })).sent).toBe(true);
    now += 21 * MINUTE;
    expect((await notifier.notifyAdmins('ws_a', { subject: 'Paused', text: 'again', key: 'k1' })).sent).toBe(true);
    expect(sent).toHaveLength(6);
  });

  it('gives the claim back when no mail went out, so the next attempt sends', async () => {
    failSends = true;
    const failed = await notifier.notifyAdmins('ws_a', { subject: 'S', text: 'T', key: 'k3', state: 'warning' });
    expect(failed).toMatchObject({ sent: false, reason: 'failed' });
    expect(await notifier.lastMark('ws_a', 'k3')).toBeUndefined();
    failSends = false;
    expect((await notifier.notifyAdmins('ws_a', { subject: 'S', text: 'T', key: 'k3', state: 'warning' })).sent).toBe(
      true,
    );
    expect((await notifier.lastMark('ws_a', 'k3'))?.state).toBe('warning');
  });

  it('health alerts: the first-message wait is not mailed; a change is, and the settled state after the interval', async () => {
    const alerts = new HealthAlerts(deps(), notifier);
    const record = connection('conn_sms', { type: 'twilio-sms', name: 'Shop SMS' });
    const check = (name: string, state: HealthCheckRecord['state']): HealthCheckRecord => ({
      name,
      state,
      detail: `${name} is ${state}`,
      checkedAt: new Date(now).toISOString(),
    });
    const before = sent.length;
    const round = async (...checks: HealthCheckRecord[]) => {
      alerts.consider(record, checks);
      await alerts.idle();
      return sent
        .slice(before)
        .map((m) => `${m.subject} ${m.to}`)
        .sort();
    };
    expect(await round(check('first_message', 'warning'), check('webhook', 'healthy'))).toEqual([]);
    const warned = await round(check('first_message', 'warning'), check('webhook', 'warning'));
    expect(warned).toEqual([
      '[Switchboard] SMS (Twilio) “Shop SMS” is warning usr_admin@example.test',
      '[Switchboard] SMS (Twilio) “Shop SMS” is warning usr_owner@example.test',
    ]);
    expect(sent.at(-1)?.content).toMatchObject({
      text: expect.stringContaining('webhook (warning): webhook is warning'),
    });
    // flapping within the interval: nothing more
    now += MINUTE;
    await round(check('webhook', 'healthy'));
    await round(check('webhook', 'failing'));
    expect(await round(check('webhook', 'healthy'))).toHaveLength(2);
    // past the interval, the state it settled in
    now += 30 * MINUTE;
    expect((await round(check('webhook', 'healthy'))).slice(0, 2)).toEqual([
      '[Switchboard] SMS (Twilio) “Shop SMS” is healthy again usr_admin@example.test',
      '[Switchboard] SMS (Twilio) “Shop SMS” is healthy again usr_owner@example.test',
    ]);
    // the same state again mails nothing
    now += 31 * MINUTE;
    expect(await round(check('webhook', 'healthy'))).toHaveLength(4);
  });
});
