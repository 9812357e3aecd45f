/**
 * Role rules and sign-in details: operators read a connection as they read the list and its logs (secrets and
 * admin-only values masked; admins see the WhatsApp verify token they paste at Meta); an admin changing or
 * removing an owner is told exactly that; the Bearer scheme is case-insensitive; an email registered in several
 * workspaces signs in to the workspace it names, never to the one its password happens to match.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../core/security/passwords.js';
import { addWorkspace, startTestServer, TEST_ADMIN_TOKEN, type TestServer } from '../testing/test-server.js';

type Err = { error: { code: string; message: string } };

describe('roles and sign-in', () => {
  let t: TestServer;
  const OWNER = { email: 'owner@example.com', password: 'owner password one' };
  let opH: Record<string, string>;
  let adminH: Record<string, string>;
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const login = (body: Record<string, string>) =>
    t.api<{ token: string; user: { id: string; workspaceId: string; role: string } } & Err>(
      'POST',
      '/api/v1/auth/login',
      body,
      { authorization: '' },
    );

  beforeAll(async () => {
    t = await startTestServer({
      env: { SWITCHBOARD_OWNER_EMAIL: OWNER.email, SWITCHBOARD_OWNER_PASSWORD: OWNER.password },
    });
    await t.api('POST', '/api/v1/users', {
      email: 'op@example.com',
      name: 'Op',
      role: 'operator',
      password: 'operator password',
    });
    await t.api('POST', '/api/v1/users', {
      email: 'admin@example.com',
      name: 'Ad',
      role: 'admin',
      password: 'admin password 1',
    });
    opH = as((await login({ email: 'op@example.com', password: 'operator password' })).body.token);
    adminH = as((await login({ email: 'admin@example.com', password: 'admin password 1' })).body.token);
  });
  afterAll(() => t.close());

  let waId = '';
  const createWhatsApp = async () => {
    if (waId) return waId;
    const created = await t.api<{ id: string; config: Record<string, unknown> }>(
      'POST',
      '/api/v1/connections',
      {
        type: 'whatsapp',
        name: 'wa',
        config: {
          accessToken: 'EAAG-access-token',
          appSecret: 'app-secret-value',
          businessAccountId: '123',
          phoneNumberIds: ['456'],
          verifyToken: 'verify-token-to-paste',
        },
      },
      adminH,
    );
    expect(created.status).toBe(201);
    waId = created.body.id;
    return waId;
  };

  it('lets operators read one connection as they read the list and its logs, secrets masked, and change nothing', async () => {
    const id = await createWhatsApp();
    const asOperator = await t.api<{ id: string; config: Record<string, unknown> }>(
      'GET',
      `/api/v1/connections/${id}`,
      undefined,
      opH,
    );
    expect(asOperator.status).toBe(200);
    expect(asOperator.body.config).toMatchObject({
      accessToken: '********',
      appSecret: '********',
      businessAccountId: '123',
    });
    expect((await t.api('GET', '/api/v1/connections', undefined, opH)).status).toBe(200);
    expect((await t.api('GET', `/api/v1/connections/${id}/logs`, undefined, opH)).status).toBe(200);
    expect(JSON.stringify(asOperator.body)).not.toMatch(/EAAG-access-token|app-secret-value/);
    expect((await t.api<Err>('PATCH', `/api/v1/connections/${id}`, { name: 'x' }, opH)).body.error.code).toBe(
      'FORBIDDEN',
    );
    expect((await t.api<Err>('POST', `/api/v1/connections/${id}/start`, undefined, opH)).body.error.code).toBe(
      'FORBIDDEN',
    );
    expect((await t.api<Err>('DELETE', `/api/v1/connections/${id}`, undefined, opH)).body.error.code).toBe('FORBIDDEN');
  });

  it('masks the WhatsApp verify token for operators and shows it to admins and owners, who paste it at Meta', async () => {
    const id = await createWhatsApp();
    const one = await t.api<{ config: Record<string, unknown> }>('GET', `/api/v1/connections/${id}`, undefined, opH);
    expect(one.body.config.verifyToken).toBe('********');
    const list = await t.api<{ data: Array<{ id: string; config: Record<string, unknown> }> }>(
      'GET',
      '/api/v1/connections',
      undefined,
      opH,
    );
    expect(list.body.data.find((c) => c.id === id)?.config.verifyToken).toBe('********');
    expect(JSON.stringify([one.body, list.body])).not.toContain('verify-token-to-paste');
    for (const h of [adminH, as(TEST_ADMIN_TOKEN)]) {
      const seen = await t.api<{ config: Record<string, unknown> }>('GET', `/api/v1/connections/${id}`, undefined, h);
      expect(seen.body.config).toMatchObject({
        accessToken: '********',
        appSecret: '********',
        verifyToken: 'verify-token-to-paste',
      });
    }
  });

  it('tells an admin who changes or removes an owner exactly that', async () => {
    const owner = (await t.api<{ id: string }>('GET', '/api/v1/me')).body;
    const reset = await t.api<Err>('PATCH', `/api/v1/users/${owner.id}`, { password: 'a new owner password' }, adminH);
    expect(reset.status).toBe(403);
    expect(reset.body.error.message).toBe("an admin cannot change an owner's name, role or password: ask an owner");
    const removed = await t.api<Err>('DELETE', `/api/v1/users/${owner.id}`, undefined, adminH);
    expect(removed.status).toBe(403);
    expect(removed.body.error.message).toBe('an admin cannot remove an owner: ask an owner');
    // granting a role above one's own keeps its own message
    const op = (await t.api<{ id: string }>('GET', '/api/v1/me', undefined, opH)).body;
    expect((await t.api<Err>('PATCH', `/api/v1/users/${op.id}`, { role: 'owner' }, adminH)).body.error.message).toBe(
      'an admin cannot grant the owner role',
    );
    expect((await login(OWNER)).status).toBe(200); // the owner's password is unchanged
  });

  it('reads the Bearer scheme case-insensitively, and nothing but Bearer', async () => {
    for (const header of [`bearer ${TEST_ADMIN_TOKEN}`, `BEARER ${TEST_ADMIN_TOKEN}`, `bEaReR  ${TEST_ADMIN_TOKEN}`]) {
      expect((await t.api('GET', '/api/v1/me', undefined, { authorization: header })).status, header).toBe(200);
    }
    for (const header of [
      `Basic ${TEST_ADMIN_TOKEN}`,
      `Bearer${TEST_ADMIN_TOKEN}`,
      TEST_ADMIN_TOKEN,
      `Bearer ${TEST_ADMIN_TOKEN} extra`,
    ]) {
      expect((await t.api('GET', '/api/v1/me', undefined, { authorization: header })).status, header).toBe(401);
    }
    // sign-out reads the header the same way
    const session = (await login(OWNER)).body.token;
    expect((await t.api('POST', '/api/v1/auth/logout', undefined, { authorization: `bearer ${session}` })).status).toBe(
      204,
    );
    expect((await t.api('GET', '/api/v1/me', undefined, as(session))).status).toBe(401);
  });

  it('signs an email of several workspaces in to the one it names, never by which password matches', async () => {
    const home = (await t.api<{ workspaceId: string }>('GET', '/api/v1/me')).body.workspaceId;
    // the same email in a second workspace, with another password
    const other = await addWorkspace(t, 'sb_second_workspace_token_0123456789', OWNER.email);
    await t.sb.store.updateUser(other.workspaceId, other.userId, {
      passwordHash: await hashPassword('second workspace pw'),
    });

    const ambiguous = await login(OWNER);
    expect(ambiguous.status).toBe(409);
    expect(ambiguous.body.error.code).toBe('WORKSPACE_REQUIRED');
    expect(ambiguous.body.error.message).toMatch(/more than one workspace/);
    // it names no workspace (neither id nor name)
    expect(ambiguous.body.error.message).not.toContain(home);
    expect(ambiguous.body.error.message).not.toContain(other.workspaceId);
    expect(ambiguous.body.error.message).not.toMatch(/Other|Default workspace/);
    expect((await login({ email: OWNER.email, password: 'second workspace pw' })).body.error.code).toBe(
      'WORKSPACE_REQUIRED',
    );
    // a wrong password says only that, so a guess learns nothing about the other workspaces
    const wrong = await login({ email: OWNER.email, password: 'a wrong guess' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('UNAUTHORIZED');

    const inHome = await login({ ...OWNER, workspaceId: home });
    expect(inHome.status).toBe(200);
    expect(inHome.body.user.workspaceId).toBe(home);
    const inOther = await login({
      email: OWNER.email,
      password: 'second workspace pw',
      workspaceId: other.workspaceId,
    });
    expect(inOther.status).toBe(200);
    expect(inOther.body.user.workspaceId).toBe(other.workspaceId);
    expect(
      (await t.api<{ workspaceId: string }>('GET', '/api/v1/me', undefined, as(inOther.body.token))).body.workspaceId,
    ).toBe(other.workspaceId);
    // one workspace's password does not open the other
    expect((await login({ ...OWNER, workspaceId: other.workspaceId })).status).toBe(401);
    // an email of one workspace needs none
    expect((await login({ email: 'op@example.com', password: 'operator password' })).status).toBe(200);
  });
});
