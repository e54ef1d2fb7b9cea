import { spawnSync } from 'node:child_process';

/** Builds the web app once before the browser tests (skipped when sources are unchanged). */
export default function setup() {
  const r = spawnSync('node', ['scripts/ensure-web.mjs'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('web build failed');
}
