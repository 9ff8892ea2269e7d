import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Two pages served by the hub: the operations console at `/` and the GraphiQL explorer at `GET /graphql`. */
export default defineConfig({
  root,
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // GraphiQL (CodeMirror included) is large and loads only on its own page; the console's budget is the bench's.
    chunkSizeWarningLimit: 2_000,
    rollupOptions: {
      input: { console: `${root}index.html`, explorer: `${root}explorer.html` },
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return; // "use client" in GraphiQL's dependencies
        warn(warning);
      },
    },
  },
});
