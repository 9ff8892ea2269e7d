// `npm start`: rebuilds only if a source changed since the last build (milliseconds when current, in this process:
// no separate prestart step), then runs the hub.
import { buildIfStale } from './build-if-stale.mjs';

buildIfStale({ quiet: true });
await import('../dist/src/main.js');
