/**
 * What the providers say of the credentials and webhooks of WhatsApp On-Premises, RCS, Intercom and Vonage, end to
 * end on a real hub and the simulators (each connector's `health` feature): a Coreapp password changed while the
 * current token still works is failing before sends fail, its webhook URL changed elsewhere a warning; an RBM
 * service-account key an expiry policy ends in 2 days is a warning, a disabled one failing; the Intercom admin our
 * replies go as in away mode is a warning, a revoked token failing; a Vonage number linked to another application
 * and the application's inbound URL moved are warnings until a restart (or the dashboard) points them back.
 */
import {
  startIntercomSimulator,
  startRcsSimulator,
  startVonageSimulator,
  startWhatsAppOnPremSimulator,
  type IntercomSimulator,
  type RcsSimulator,
  type VonageSimulator,
  type WhatsAppOnPremSimulator,
} from '@switchboard/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';

interface Check {
  name: string;
  state: string;
  detail: string;
  expiresAt?: string;
  stage?: string;
}
interface Health {
  state: string;
  checks: Check[];
}
interface Conn {
  id: string;
  status: string;
  statusReason: string | null;
  webhookUrl: string;
}

const DAY = 86_400_000;

describe('provider health: credentials and webhooks of On-Premises, RCS, Intercom and Vonage', () => {
  let t: TestServer;
  let coreapp: WhatsAppOnPremSimulator;
  let rcs: RcsSimulator;
  let intercom: IntercomSimulator;
  let vonage: VonageSimulator;

  const create = async (type: string, config: Record<string, unknown>) => {
    const res = await t.api<Conn>('POST', '/api/v1/connections', { type, name: `${type} health`, config });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  const start = async (conn: Conn) => {
    const res = await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`);
    expect([res.body.status, res.body.statusReason]).toEqual(['RUNNING', null]);
  };
  const check = async (conn: Conn) => {
    const res = await t.api<Health>('POST', `/api/v1/connections/${conn.id}/health`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const named = (h: Health, name: string) => h.checks.find((c) => c.name === name);

  beforeAll(async () => {
    coreapp = await startWhatsAppOnPremSimulator({ webhooks: { retryScale: 0.001 } });
    rcs = await startRcsSimulator();
    intercom = await startIntercomSimulator();
    vonage = await startVonageSimulator({ receipts: { submittedAfterMs: 600_000, deliveredAfterMs: 600_000 } });
    t = await startTestServer({ allowPrivateNetwork: true });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([coreapp?.close(), rcs?.close(), intercom?.close(), vonage?.close()]);
  });

  it('WhatsApp On-Premises: renewed each round; a changed password is failing while the token works; a moved webhook a warning', async () => {
    const conn = await create('whatsapp-onpremise', {
      baseUrl: coreapp.url,
      username: coreapp.credentials.username,
      password: coreapp.credentials.password,
    });
    await start(conn);
    const ok = await check(conn);
    expect(named(ok, 'token_expiry')).toMatchObject({ state: 'healthy' });
    // the Coreapp's 7-day token, from the login answer's expires_after
    const end = Date.parse(named(ok, 'token_expiry')?.expiresAt ?? '');
    expect(end - Date.now()).toBeGreaterThan(6 * DAY);
    expect(named(ok, 'webhook')).toMatchObject({ state: 'healthy' });
    expect(ok.state).not.toBe('failing');
    const logins = coreapp.apiCalls({ op: 'login' }).length;

    // another tool points the Coreapp elsewhere
    const token = coreapp.tokens().at(-1)?.token as string;
    const res = await fetch(`${coreapp.url}/v1/settings/application`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ webhooks: { url: 'https://other-tool.example/wa' } }),
    });
    expect(res.status).toBe(200);
    const moved = await check(conn);
    expect(coreapp.apiCalls({ op: 'login' }).length).toBe(logins + 1);
    expect(named(moved, 'webhook')).toMatchObject({ state: 'warning' });
    expect(named(moved, 'webhook')?.detail).toContain('https://other-tool.example/wa');

    // the password changed at the Coreapp: the current token still works, the renewal is refused
    coreapp.setPassword({ password: 'a-new-password-nobody-told-the-hub' });
    const refused = await check(conn);
    expect(refused.state).toBe('failing');
    const provider = named(refused, 'provider');
    expect(provider?.state).toBe('failing');
    expect(provider?.detail).toMatch(/refused the token renewal .*current token works until/);
    expect(JSON.stringify(refused)).not.toContain(coreapp.credentials.password);
    // sends still go out on the current token meanwhile: the connection stays RUNNING
    expect((await t.api<Conn>('GET', `/api/v1/connections/${conn.id}`)).body.status).toBe('RUNNING');
  });

  it('RCS: a key an expiry policy ends in 2 days is a warning, a disabled key failing', async () => {
    const conn = await create('rcs', {
      agentId: rcs.agentId,
      serviceAccountKey: rcs.serviceAccountKey,
      clientToken: rcs.clientToken,
      apiBaseUrl: rcs.url,
      tokenUrl: rcs.tokenUrl,
      iamApiBaseUrl: rcs.url,
    });
    await start(conn);
    const ok = await check(conn);
    expect(named(ok, 'credentials')).toMatchObject({ state: 'healthy' });
    expect(named(ok, 'key_expiry')).toMatchObject({ state: 'healthy' });
    expect(named(ok, 'key_expiry')?.detail).toContain('does not expire');

    const end = new Date(Date.now() + 2 * DAY + 60_000).toISOString();
    rcs.setKeyExpiry(end);
    const soon = await check(conn);
    expect(named(soon, 'key_expiry')).toMatchObject({ state: 'warning', stage: '3d' });
    expect(named(soon, 'key_expiry')?.detail).toMatch(/expires in 3 days|expires in 2 days/);
    expect(soon.state).toBe('warning');

    rcs.disableKey();
    const disabled = await check(conn);
    expect(disabled.state).toBe('failing');
    // a disabled key mints no token: the check says the credentials were refused
    expect(named(disabled, 'provider')?.detail).toMatch(/refused the service-account key/);
    expect(JSON.stringify(disabled)).not.toContain('PRIVATE KEY');
  });

  it('RCS: a key IAM does not let the account read is healthy with its end unknown', async () => {
    const other = await startRcsSimulator();
    try {
      other.denyKeyRead();
      const conn = await create('rcs', {
        agentId: other.agentId,
        serviceAccountKey: other.serviceAccountKey,
        clientToken: other.clientToken,
        apiBaseUrl: other.url,
        tokenUrl: other.tokenUrl,
        iamApiBaseUrl: other.url,
      });
      await start(conn);
      const h = await check(conn);
      expect(named(h, 'key_expiry')).toMatchObject({ state: 'healthy' });
      expect(named(h, 'key_expiry')?.detail).toMatch(/end is unknown.*iam\.serviceAccountKeys\.get/);
      // a key rotated away at Google mints nothing: failing
      other.revokeKey();
      expect((await check(conn)).state).toBe('failing');
    } finally {
      await other.close();
    }
  });

  it('Intercom: the admin in away mode is a warning, a revoked token failing', async () => {
    const conn = await create('intercom', {
      accessToken: intercom.accessToken,
      clientSecret: intercom.clientSecret,
      adminId: intercom.botAdmin.id,
      apiBaseUrl: intercom.url,
    });
    await start(conn);
    const ok = await check(conn);
    expect(named(ok, 'token')).toMatchObject({ state: 'healthy' });
    expect(named(ok, 'admin')).toMatchObject({ state: 'healthy' });
    intercom.setAway(intercom.botAdmin.id, true);
    const away = await check(conn);
    expect(named(away, 'admin')).toMatchObject({ state: 'warning' });
    expect(named(away, 'admin')?.detail).toContain('away mode');
    intercom.setAway(intercom.botAdmin.id, false);
    expect(named(await check(conn), 'admin')?.state).toBe('healthy');
    intercom.removeAdmin(intercom.botAdmin.id);
    expect(named(await check(conn), 'admin')).toMatchObject({ state: 'failing' });
    intercom.revokeAccessToken(intercom.accessToken);
    const revoked = await check(conn);
    expect(named(revoked, 'provider')).toMatchObject({ state: 'failing' });
    expect(JSON.stringify(revoked)).not.toContain(intercom.accessToken);
  });

  it("Vonage: the application's inbound URL moved and the number linked elsewhere are warnings; a restart fixes the first", async () => {
    const conn = await create('vonage-sms', {
      api: 'messages',
      apiKey: vonage.account.apiKey,
      apiSecret: vonage.account.apiSecret,
      applicationId: vonage.application.id,
      privateKey: vonage.application.privateKey,
      signatureSecret: vonage.account.signatureSecret,
      from: `+${vonage.number}`,
      apiBaseUrl: vonage.url,
    });
    await start(conn);
    expect(named(await check(conn), 'webhook')).toMatchObject({ state: 'healthy' });

    vonage.configure({ inboundUrl: 'https://other-app.example/inbound' });
    const moved = await check(conn);
    expect(named(moved, 'webhook')).toMatchObject({ state: 'warning' });
    expect(named(moved, 'webhook')?.detail).toContain('https://other-app.example/inbound');
    expect((await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/stop`)).body.status).toBe('STOPPED');
    await start(conn);
    expect(named(await check(conn), 'webhook')).toMatchObject({ state: 'healthy' });

    vonage.configureNumber({ appId: 'ffffffff-0000-4000-8000-00000000beef' });
    const linked = await check(conn);
    expect(named(linked, 'webhook')).toMatchObject({ state: 'warning' });
    expect(named(linked, 'webhook')?.detail).toContain('ffffffff-0000-4000-8000-00000000beef');
    expect(JSON.stringify(linked)).not.toContain(vonage.account.apiSecret);
    vonage.configureNumber({ appId: vonage.application.id });
    expect(named(await check(conn), 'webhook')).toMatchObject({ state: 'healthy' });
  });

  it('Vonage SMS API: the number’s own inbound URL, which wins over the account’s, is a warning', async () => {
    const conn = await create('vonage-sms', {
      api: 'sms',
      apiKey: vonage.account.apiKey,
      apiSecret: vonage.account.apiSecret,
      signatureSecret: vonage.account.signatureSecret,
      from: `+${vonage.number}`,
      apiBaseUrl: vonage.url,
    });
    await start(conn);
    expect(named(await check(conn), 'webhook')).toMatchObject({ state: 'healthy' });
    vonage.configureNumber({ moHttpUrl: 'https://old-crm.example/sms' });
    const own = await check(conn);
    expect(named(own, 'webhook')).toMatchObject({ state: 'warning' });
    expect(named(own, 'webhook')?.detail).toContain('https://old-crm.example/sms');
    vonage.configureNumber({ moHttpUrl: '' });
  });
});
