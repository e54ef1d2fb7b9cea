import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { seedDemo } from '../src/server/demo/seed.js';
import { loadConfig } from '../src/server/platform/config.js';
import { openDatabase } from '../src/server/platform/db/client.js';
import { migrate } from '../src/server/platform/db/migrate.js';
import { createPlatform, type Platform } from '../src/server/platform/platform.js';
import { buildServer, registerJobs } from '../src/server/server.js';

export const CHROMIUM = '/usr/bin/chromium';
export const DEMO_PASSWORD = 'fangxian-demo';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Browser tests need Debian's Chromium; in CI (E2E_REQUIRED=1) its absence is a failure, not a skip. */
export function browserAvailable(): boolean {
  if (fs.existsSync(CHROMIUM)) return true;
  if (process.env.E2E_REQUIRED === '1') throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  return false;
}

export interface E2EEnv {
  p: Platform;
  app: FastifyInstance;
  baseUrl: string;
  browser: Browser;
  close(): Promise<void>;
}

/** The real server with the demo county, on an in-memory PGlite (or TEST_DATABASE_URL is not used: demo data needs an empty database). */
export async function startE2E(): Promise<E2EEnv> {
  const webRoot = path.join(root, process.env.E2E_WEB_OUT || 'dist/web');
  if (!fs.existsSync(path.join(webRoot, 'index.html')))
    throw new Error('dist/web is missing: the e2e global setup builds it');
  const config = loadConfig({ DATA_DIR: fs.mkdtempSync('/tmp/fx-e2e-'), LOG_LEVEL: 'silent', DEMO: '1' });
  const database = await openDatabase({});
  await migrate(database.db as never);
  const p = await createPlatform(config, { database, logger: pino({ level: 'silent' }) });
  await seedDemo(p, DEMO_PASSWORD);
  registerJobs(p);
  const app = await buildServer(p, { webRoot });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  return {
    p,
    app,
    baseUrl,
    browser,
    async close() {
      await browser.close();
      await app.close();
      await p.close();
    },
  };
}

export const DESKTOP = { width: 1366, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** A fresh browser context (own cookies) at the given viewport; console errors and CSP violations are collected. */
export async function newPage(
  env: E2EEnv,
  viewport = DESKTOP,
): Promise<{ ctx: BrowserContext; page: Page; errors: string[] }> {
  const ctx = await env.browser.newContext({
    viewport,
    locale: 'zh-CN',
    isMobile: viewport.width < 500,
    hasTouch: viewport.width < 500,
  });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  // Generous: a loaded 2-core machine can take a while to serve the first lazy chunks.
  page.setDefaultTimeout(45_000);
  page.setDefaultNavigationTimeout(60_000);
  return { ctx, page, errors };
}

export async function loginAs(env: E2EEnv, page: Page, username: string, password = DEMO_PASSWORD) {
  await page.goto(`${env.baseUrl}/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}
