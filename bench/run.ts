/**
 * `npm run bench -- NAME`: runs one benchmark. Each prints a table for people and, last, one line of JSON
 * with its figures. Compare ratios measured in the same run, not absolute times.
 */
const benches: Record<string, () => Promise<void>> = {
  abuse: async () => (await import('./abuse.js')).run(),
  'ctp-sync': async () => (await import('./ctp-sync.js')).run(),
  cftr: async () => (await import('./cftr.js')).run(),
  enrichment: async () => (await import('./enrichment.js')).run(),
  fanout: async () => (await import('./fanout.js')).run(),
  'http-client': async () => (await import('./http-client.js')).run(),
  read: async () => (await import('./read.js')).run(),
  startup: async () => (await import('./startup.js')).run(),
  console: async () => (await import('./console.js')).run(),
};

const name = process.argv[2];
const bench = name ? benches[name] : undefined;
if (!bench) {
  process.stderr.write(`usage: npm run bench -- NAME   (one of: ${Object.keys(benches).join(', ')})\n`);
  process.exit(2);
}
await bench();
