/**
 * The access matrix: every endpoint of the server × every role (and anonymous), with the expected outcome —
 * allowed (2xx), forbidden by role (403 FORBIDDEN) or not signed in (401) — and, for every endpoint that takes
 * a record id, a record outside the caller's jurisdiction (enterprise B in township B, supervised by
 * department B; another user's notification or token; a hidden system administrator) answers 404 exactly like
 * an id that does not exist. Lists, counts, the map layer, the Excel export, the dashboard and file downloads
 * are read back to check that B never reaches a scoped user, with the county roles as the positive control.
 *
 * The route list comes from the running server: a route the matrix does not describe fails the suite.
 * The expected outcomes are written out here on purpose, not derived from `core/roles.ts`, so a mistake in
 * the permission table shows up as a failing row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../src/core/roles.js';
import { DATABASES } from '../harness.js';
import { FOUNDATION_ROWS } from './foundation.rows.js';
import { HAZARDS_ROWS } from './hazards.rows.js';
import { COUNTY, type Ctx, type Endpoint, inMatrixScope, send, serverRoutes, setupMatrix } from './matrix.js';
import { MONITORING_ROWS } from './monitoring.rows.js';
import { PLANS_ROWS } from './plans.rows.js';
import { SUPERVISION_ROWS } from './supervision.rows.js';

/** Every module's rows. A module that adds routes adds its rows file here. */
const ENDPOINTS: Endpoint[] = [
  ...FOUNDATION_ROWS,
  ...HAZARDS_ROWS,
  ...MONITORING_ROWS,
  ...PLANS_ROWS,
  ...SUPERVISION_ROWS,
];
const ALL = ROLES;

describe.each(DATABASES)('access matrix on $name', (dbc) => {
  let c: Ctx;

  beforeAll(async () => {
    c = await setupMatrix(dbc);
  });
  afterAll(() => c?.env.close());

  it('describes every route the server has, and only those', () => {
    const routes = serverRoutes(c.env.app);
    // The parser must see the tree, or the next check would pass on nothing.
    expect(routes).toEqual(expect.arrayContaining(['GET /api/enterprises/:id', 'PATCH /api/enterprises/:id']));
    expect(routes).toEqual(expect.arrayContaining(['GET /metrics', 'GET /api/docs/json', 'GET /api/health']));
    const inScope = [...new Set(routes.filter(inMatrixScope))].sort();
    const described = ENDPOINTS.map((e) => e.route).sort();
    expect(new Set(described).size, 'a route is described twice').toBe(described.length);
    const missing = inScope.filter((r) => !described.includes(r));
    const stale = described.filter((r) => !inScope.includes(r));
    expect(missing, `routes missing from the access matrix:\n${missing.join('\n')}\n`).toEqual([]);
    expect(stale, `matrix rows for routes that do not exist:\n${stale.join('\n')}\n`).toEqual([]);
  });

  it('keeps the documentation public', async () => {
    for (const url of ['/api/docs', '/api/docs/json']) {
      const res = await c.env.app.inject({ url });
      expect([200, 302]).toContain(res.statusCode);
    }
    expect((await c.env.app.inject({ url: '/api/docs/json' })).json().openapi).toMatch(/^3\./);
  });

  describe.each(ENDPOINTS)('$route', (ep) => {
    it('answers an anonymous caller', async () => {
      const req = await ep.build(c, null);
      const res = await send(c, ep, { ...req, as: undefined }, {});
      const expected = ep.sameForAll ?? ep.anonymous ?? 401;
      expect(res.statusCode, res.body).toBe(expected);
      if (expected === 401) expect(res.json().error.code).toBe('UNAUTHENTICATED');
    });

    it.each(ALL)('as %s', async (role) => {
      const req = await ep.build(c, role);
      const res = await send(c, ep, req, c.w.users[role].headers);
      if (ep.sameForAll !== undefined) {
        expect(res.statusCode, res.body.slice(0, 300)).toBe(ep.sameForAll);
      } else if (ep.allowed.includes(role)) {
        expect(res.statusCode, res.body.slice(0, 300)).toBe(ep.ok ?? 200);
        await ep.check?.(c, role, res, req);
      } else {
        const refused = ep.refused?.[role] ?? { status: 403, code: 'FORBIDDEN' };
        expect(res.statusCode, res.body.slice(0, 300)).toBe(refused.status);
        expect(res.json().error.code).toBe(refused.code);
      }
    });

    const outside = ep.outside;
    if (outside) {
      it.each(outside.roles)('as %s on a record outside its jurisdiction: like a missing one', async (role) => {
        const headers = c.w.users[role].headers;
        const res = await send(c, ep, await outside.build(c, role), headers);
        const missing = await send(c, ep, await outside.missing(c, role), headers);
        const expected = ep.allowed.includes(role) ? 404 : 403;
        expect(missing.statusCode).toBe(expected);
        expect(res.statusCode, res.body.slice(0, 300)).toBe(expected);
        expect(res.json().error.code).toBe(expected === 404 ? 'NOT_FOUND' : 'FORBIDDEN');
        expect(res.json().error.code).toBe(missing.json().error.code);
        for (const s of outside.secret(c)) expect(res.body).not.toContain(s);
      });
    }
  });

  it('lets county roles open the files of B, which scoped roles cannot', async () => {
    for (const role of COUNTY) {
      const res = await c.env.app.inject({ url: `/api/files/${c.fileB}`, headers: c.w.users[role].headers });
      expect(res.statusCode).toBe(200);
    }
  });
});
