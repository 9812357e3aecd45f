/**
 * People and roles: the owner signs in with the email and password set on first start, invites an operator and an
 * admin; operators answer conversations but cannot manage the workspace; nobody grants a role above their own;
 * the last owner stays; signing out ends the session at once; wrong passwords are rate-limited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';

describe('sign-in, users and roles', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({
      env: { SWITCHBOARD_OWNER_EMAIL: 'Boss@Example.com', SWITCHBOARD_OWNER_PASSWORD: 'correct horse battery' },
    });
  });
  afterAll(() => t.close());
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const login = (email: string, password: string) =>
    t.api<{ token: string; user: { role: string; email: string }; error?: { code: string } }>(
      'POST',
      '/api/v1/auth/login',
      { email, password },
      { authorization: '' },
    );

  it('signs the owner in, lets them invite, and enforces roles', async () => {
    const owner = await login('boss@example.com', 'correct horse battery');
    expect(owner.status).toBe(200);
    expect(owner.body.user).toMatchObject({ email: 'boss@example.com', role: 'owner' });
    expect((await t.api<{ role: string }>('GET', '/api/v1/me', undefined, as(owner.body.token))).body.role).toBe(
      'owner',
    );
    expect((await login('boss@example.com', 'wrong')).status).toBe(401);

    const invited = await t.api<{ user: { id: string }; password: string }>(
      'POST',
      '/api/v1/users',
      { email: 'op@example.com', name: 'Op', role: 'operator' },
      as(owner.body.token),
    );
    expect(invited.status).toBe(201);
    expect(invited.body.password.length).toBeGreaterThanOrEqual(12);
    const op = await login('op@example.com', invited.body.password);
    expect(op.body.user.role).toBe('operator');
    const opH = as(op.body.token);
    expect((await t.api('GET', '/api/v1/conversations', undefined, opH)).status).toBe(200);
    expect((await t.api('GET', '/api/v1/connections', undefined, opH)).status).toBe(200);
    expect(
      (await t.api<{ error: { code: string } }>('POST', '/api/v1/connections', { type: 'webchat', name: 'x' }, opH))
        .body.error.code,
    ).toBe('FORBIDDEN');
    expect(
      (await t.api('POST', '/api/v1/webhook-subscriptions', { url: 'https://x.example', eventTypes: ['*'] }, opH))
        .status,
    ).toBe(403);
    expect(
      (await t.api('POST', '/api/v1/users', { email: 'x@example.com', name: 'X', role: 'operator' }, opH)).status,
    ).toBe(403);
    expect((await t.api('PATCH', `/api/v1/users/${invited.body.user.id}`, { role: 'owner' }, opH)).status).toBe(403);

    const admin = await t.api<{ user: { id: string } }>(
      'POST',
      '/api/v1/users',
      { email: 'admin@example.com', name: 'Ad', role: 'admin', password: 'admin password 1' },
      as(owner.body.token),
    );
    const adminH = as((await login('admin@example.com', 'admin password 1')).body.token);
    expect((await t.api('POST', '/api/v1/connections', { type: 'webchat', name: 'by admin' }, adminH)).status).toBe(
      201,
    );
    expect(
      (await t.api('POST', '/api/v1/users', { email: 'o2@example.com', name: 'O2', role: 'owner' }, adminH)).status,
    ).toBe(403);
    expect(
      (await t.api('POST', '/api/v1/users', { email: 'op@example.com', name: 'dup', role: 'operator' }, adminH)).status,
    ).toBe(409);
    const me = (await t.api<{ id: string }>('GET', '/api/v1/me', undefined, as(owner.body.token))).body;
    expect((await t.api('PATCH', `/api/v1/users/${me.id}`, { role: 'admin' }, as(owner.body.token))).status).toBe(409);
    expect((await t.api('DELETE', `/api/v1/users/${admin.body.user.id}`, undefined, as(owner.body.token))).status).toBe(
      204,
    );
    // a removed user's sessions end with them (within the 5 s token cache of each process)
    await eventually(
      async () => (await t.api('GET', '/api/v1/connections', undefined, adminH)).status === 401,
      8000,
      'the removed admin to be refused',
    );
    expect(
      (await t.api<{ data: Array<{ email: string }> }>('GET', '/api/v1/users', undefined, opH)).body.data
        .map((u) => u.email)
        .sort(),
    ).toEqual(['boss@example.com', 'op@example.com']);
  });

  it('ends a session at sign-out and rate-limits wrong passwords', async () => {
    const s = await login('boss@example.com', 'correct horse battery');
    expect((await t.api('GET', '/api/v1/me', undefined, as(s.body.token))).status).toBe(200);
    expect((await t.api('POST', '/api/v1/auth/logout', undefined, as(s.body.token))).status).toBe(204);
    expect((await t.api('GET', '/api/v1/me', undefined, as(s.body.token))).status).toBe(401);
    let last = 0;
    for (let i = 0; i < 25; i++) last = (await login('boss@example.com', `guess ${i}`)).status;
    expect(last).toBe(429);
    expect((await login('boss@example.com', 'correct horse battery')).status).toBe(429);
    expect(t.logs.join('')).not.toContain('correct horse battery');
  });
});

// its own hub: the sign-in rate limit the tests above exhaust on purpose would refuse these sign-ins
describe('changing a password', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({
      env: { SWITCHBOARD_OWNER_EMAIL: 'boss@example.com', SWITCHBOARD_OWNER_PASSWORD: 'correct horse battery' },
    });
  });
  afterAll(() => t.close());
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const login = (email: string, password: string) =>
    t.api<{ token: string }>('POST', '/api/v1/auth/login', { email, password }, { authorization: '' });

  it('changes your own password only with the current one; an owner resets an operator without it', async () => {
    const owner = as((await login('boss@example.com', 'correct horse battery')).body.token);
    const invited = await t.api<{ user: { id: string }; password: string }>(
      'POST',
      '/api/v1/users',
      { email: 'pw@example.com', name: 'Pat', role: 'operator' },
      owner,
    );
    const initial = invited.body.password;
    const pat = as((await login('pw@example.com', initial)).body.token);
    const id = invited.body.user.id;
    const without = await t.api<{ error: { code: string } }>(
      'PATCH',
      `/api/v1/users/${id}`,
      { password: 'a new secret 1' },
      pat,
    );
    expect(without.status).toBe(400);
    const wrong = await t.api<{ error: { message: string } }>(
      'PATCH',
      `/api/v1/users/${id}`,
      { password: 'a new secret 1', currentPassword: 'not it' },
      pat,
    );
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.message).toBe('the current password is wrong');
    expect((await login('pw@example.com', initial)).status).toBe(200); // unchanged by both refusals
    const changed = await t.api(
      'PATCH',
      `/api/v1/users/${id}`,
      { password: 'a new secret 1', currentPassword: initial },
      pat,
    );
    expect(changed.status).toBe(200);
    expect((await login('pw@example.com', 'a new secret 1')).status).toBe(200);
    // an owner resetting someone else's password needs no password of theirs
    expect((await t.api('PATCH', `/api/v1/users/${id}`, { password: 'reset by the owner' }, owner)).status).toBe(200);
    expect((await login('pw@example.com', 'reset by the owner')).status).toBe(200);
  });
});
