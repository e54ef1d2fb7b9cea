import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, login, makeUser, ORIGIN, PASSWORD, startTestEnv, type TestEnv } from './harness.js';

describe.each(DATABASES)('auth on $name', (dbc) => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await startTestEnv(dbc);
  });
  afterAll(() => env?.close());

  it('logs in, answers me, logs out and revokes the session', async () => {
    const u = await makeUser(env.p, 'county_admin');
    const h = await login(env.app, u.username);
    const me = await env.app.inject({ url: '/api/auth/me', headers: h });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.role).toBe('county_admin');
    expect(me.json().permissions).toContain('enterprise.read');
    const out = await env.app.inject({ method: 'POST', url: '/api/auth/logout', headers: h });
    expect(out.statusCode).toBe(200);
    const after = await env.app.inject({ url: '/api/auth/me', headers: h });
    expect(after.statusCode).toBe(401);
  });

  it('answers 401 on bad credentials and audits the failure', async () => {
    const u = await makeUser(env.p, 'county_admin');
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: u.username, password: 'wrong-password-1' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('BAD_CREDENTIALS');
    const rows = await env.p.db.selectFrom('audit_log').select('action').where('entity_id', '=', u.id).execute();
    expect(rows.map((r) => r.action)).toContain('auth.login_failed');
  });

  it('locks a username after 5 failures for 15 minutes', async () => {
    const u = await makeUser(env.p, 'county_admin');
    for (let i = 0; i < 5; i++) {
      const r = await env.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: u.username, password: 'nope-nope-nope' },
        remoteAddress: `10.9.0.${i}`,
      });
      expect(r.statusCode).toBe(401);
    }
    const locked = await env.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: u.username, password: PASSWORD },
      remoteAddress: '10.9.1.1',
    });
    expect(locked.statusCode).toBe(423);
    expect(locked.json().error.code).toBe('ACCOUNT_LOCKED');
    const actions = (
      await env.p.db.selectFrom('audit_log').select('action').where('entity_id', '=', u.id).execute()
    ).map((r) => r.action);
    expect(actions).toContain('auth.account_locked');
    env.clock.advance(16 * 60_000);
    const ok = await env.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: u.username, password: PASSWORD },
      remoteAddress: '10.9.1.1',
    });
    expect(ok.statusCode).toBe(200);
  });

  it('refuses an address after 20 failures in 10 minutes with 429', async () => {
    const ip = `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    for (let i = 0; i < 20; i++) {
      await env.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: `ghost${i}`, password: 'whatever-123' },
        remoteAddress: ip,
      });
    }
    const r = await env.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'ghost', password: 'whatever-123' },
      remoteAddress: ip,
    });
    expect(r.statusCode).toBe(429);
    expect(r.json().error.code).toBe('TOO_MANY_ATTEMPTS');
  });

  it('expires an idle session after 30 minutes and any session after 12 hours', async () => {
    const u = await makeUser(env.p, 'county_leader');
    const h = await login(env.app, u.username);
    env.clock.advance(29 * 60_000);
    expect((await env.app.inject({ url: '/api/auth/me', headers: h })).statusCode).toBe(200);
    env.clock.advance(31 * 60_000);
    expect((await env.app.inject({ url: '/api/auth/me', headers: h })).statusCode).toBe(401);
    const h2 = await login(env.app, u.username);
    for (let i = 0; i < 25; i++) {
      env.clock.advance(29 * 60_000);
      await env.app.inject({ url: '/api/auth/me', headers: h2 });
    }
    expect((await env.app.inject({ url: '/api/auth/me', headers: h2 })).statusCode).toBe(401);
  });

  it('requires a matching Origin for cookie-authenticated writes (403 CSRF)', async () => {
    const u = await makeUser(env.p, 'county_admin');
    const h = await login(env.app, u.username);
    const noOrigin = await env.app.inject({
      method: 'POST',
      url: '/api/notifications/read-all',
      headers: { cookie: h.cookie },
    });
    expect(noOrigin.statusCode).toBe(403);
    expect(noOrigin.json().error.code).toBe('CSRF');
    const evil = await env.app.inject({
      method: 'POST',
      url: '/api/notifications/read-all',
      headers: { cookie: h.cookie, origin: 'https://evil.example' },
    });
    expect(evil.statusCode).toBe(403);
    const good = await env.app.inject({
      method: 'POST',
      url: '/api/notifications/read-all',
      headers: { cookie: h.cookie, origin: ORIGIN },
    });
    expect(good.statusCode).toBe(200);
  });

  it('forces a password change at first login, with the password policy', async () => {
    const u = await makeUser(env.p, 'county_admin', {}, { mustChange: true });
    const h = await login(env.app, u.username);
    const me = await env.app.inject({ url: '/api/auth/me', headers: h });
    expect(me.json().mustChangePassword).toBe(true);
    const blocked = await env.app.inject({ url: '/api/enterprises', headers: h });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    for (const [bad, code] of [
      ['short1', 'too_short'],
      [`${u.username}x`, 'same_as_username'],
      ['1234567890', 'common'],
    ] as const) {
      const r = await env.app.inject({
        method: 'POST',
        url: '/api/auth/password',
        headers: h,
        payload: { currentPassword: PASSWORD, newPassword: bad },
      });
      expect(r.statusCode).toBe(400);
      expect(r.json().error.fields[0]).toEqual({ path: 'newPassword', message: code });
    }
    const ok = await env.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: h,
      payload: { currentPassword: PASSWORD, newPassword: 'a-much-better-secret' },
    });
    expect(ok.statusCode).toBe(200);
    expect((await env.app.inject({ url: '/api/enterprises', headers: h })).statusCode).toBe(200);
  });

  it('issues personal API tokens that work as Bearer and stop working when revoked', async () => {
    const u = await makeUser(env.p, 'county_leader');
    const h = await login(env.app, u.username);
    const created = await env.app.inject({
      method: 'POST',
      url: '/api/auth/tokens',
      headers: h,
      payload: { name: 'gis sync' },
    });
    expect(created.statusCode).toBe(201);
    const { token, id } = created.json();
    const row = await env.p.db
      .selectFrom('api_tokens')
      .select('token_hash')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.token_hash).not.toContain(token);
    const bearer = { authorization: `Bearer ${token}` };
    expect((await env.app.inject({ url: '/api/enterprises', headers: bearer })).statusCode).toBe(200);
    expect((await env.app.inject({ method: 'DELETE', url: `/api/auth/tokens/${id}`, headers: h })).statusCode).toBe(
      200,
    );
    expect((await env.app.inject({ url: '/api/enterprises', headers: bearer })).statusCode).toBe(401);
  });

  it('ends all sessions of a user an admin disables', async () => {
    const admin = await makeUser(env.p, 'county_admin');
    const ah = await login(env.app, admin.username);
    const victim = await makeUser(env.p, 'county_leader');
    const vh = await login(env.app, victim.username);
    const res = await env.app.inject({
      method: 'PATCH',
      url: `/api/users/${victim.id}`,
      headers: ah,
      payload: { version: 1, disabled: true },
    });
    expect(res.statusCode).toBe(200);
    expect((await env.app.inject({ url: '/api/auth/me', headers: vh })).statusCode).toBe(401);
    const again = await env.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: victim.username, password: PASSWORD },
    });
    expect(again.statusCode).toBe(403);
  });

  it('does not cache a session lookup that was in flight when the user was forgotten', async () => {
    const u = await makeUser(env.p, 'county_leader');
    const h = await login(env.app, u.username);
    const token = h.cookie.slice('fx_session='.length);
    // The lookup starts reading; the user is changed and forgotten before it finishes.
    const inFlight = env.p.auth.fromSession(token);
    env.p.auth.forgetUser(u.id);
    expect((await inFlight)?.actor.userId).toBe(u.id);
    // Disabled behind the service's back (no forget): only a fresh lookup sees it, a cached answer would not.
    await env.p.db.updateTable('users').set({ disabled_at: env.clock.now() }).where('id', '=', u.id).execute();
    expect(await env.p.auth.fromSession(token)).toBeNull();
  });

  it('reuses a resolved session until the user is forgotten', async () => {
    const u = await makeUser(env.p, 'county_leader');
    const h = await login(env.app, u.username);
    const token = h.cookie.slice('fx_session='.length);
    expect(await env.p.auth.fromSession(token)).not.toBeNull();
    await env.p.db.updateTable('users').set({ disabled_at: env.clock.now() }).where('id', '=', u.id).execute();
    // Cached: the same answer without the database (this is what the generation check must not break).
    expect(await env.p.auth.fromSession(token)).not.toBeNull();
    env.p.auth.forgetUser(u.id);
    expect(await env.p.auth.fromSession(token)).toBeNull();
  });
});
