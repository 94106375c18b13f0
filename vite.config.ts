/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

/**
 * The built app declares that it talks to its own origin only: scans never leave the browser.
 * (Dev mode skips this, because Vite's hot reload injects inline scripts.)
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self' blob: data:",
  "img-src 'self' blob: data:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'workbench-csp',
    apply: 'build',
    transformIndexHtml: (html) => html.replace('<head>', `<head>\n    <meta http-equiv="Content-Security-Policy" content="${CSP}" />`),
  };
}

/**
 * Cross-origin isolation: with these two headers the page may share memory between threads, which the
 * `wasm` backend's thread pool needs (SharedArrayBuffer). Everything the app loads is its own origin,
 * so `require-corp` blocks nothing. A static host serving dist/ must send the same two headers, or the
 * `wasm` backend runs on one thread (the backend badge says so).
 */
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// One config for the app (vite), the worker bundle, and unit tests (vitest).
export default defineConfig({
  plugins: [react(), contentSecurityPolicy()],
  worker: { format: 'es' },
  server: { port: 5173, strictPort: true, host: '127.0.0.1', headers: ISOLATION_HEADERS },
  preview: { port: 4173, strictPort: true, host: '127.0.0.1', headers: ISOLATION_HEADERS },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  optimizeDeps: { exclude: ['@niivue/dcm2niix'] },
  test: {
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    // GPU tests share one Dawn device per worker process; SwiftShader is slow.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
