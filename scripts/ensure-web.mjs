// Builds the web app when dist/web is missing or older than its sources, so `npm start` works on a fresh clone.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
// E2E_WEB_OUT lets parallel browser-test runs each build into their own folder (default dist/web).
const outDir = process.env.E2E_WEB_OUT || 'dist/web';
const index = path.join(root, outDir, 'index.html');

function newest(dir) {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

const sources = Math.max(
  newest(path.join(root, 'src/web')),
  newest(path.join(root, 'src/core')),
  fs.statSync(path.join(root, 'index.html')).mtimeMs,
);
if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= sources) process.exit(0);
console.log('Building the web app (first start or sources changed)…');
const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', outDir, '--emptyOutDir'], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
