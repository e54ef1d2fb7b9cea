import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The API the dev server proxies to (`npm run dev` starts it on 8080).
const API = process.env.FANGXIAN_API_URL ?? 'http://localhost:8080';

// The SPA is served by the API in production (dist/web); in development Vite serves it and proxies the API.
// changeOrigin stays false so the API sees the browser's Host and its Origin check (CSRF) passes.
export default defineConfig({
  root: '.',
  plugins: [react()],
  build: {
    outDir: 'dist/web',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: {
      '/api': {
        target: API,
        // Server-sent events (/api/events) must stream: never buffer or compress them.
        configure: (proxy) => {
          proxy.on('proxyRes', (res) => {
            if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
              res.headers['cache-control'] = 'no-cache, no-transform';
              res.headers['x-accel-buffering'] = 'no';
            }
          });
        },
      },
      '/metrics': { target: API },
    },
  },
});
