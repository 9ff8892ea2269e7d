#!/usr/bin/env node
// `npm run reset`: deletes ./data (the embedded database), so the next `npm start` begins fresh, with sandboxes
// and database agreeing. Stop the hub first. A PostgreSQL server (DATABASE_URL) is never touched.
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write('Usage: npm run reset\n  Deletes ./data (the embedded database and everything the hub stored there). Stop the hub first.\n');
  process.exit(0);
}
const dir = resolve(process.cwd(), 'data');
if (!existsSync(dir)) {
  process.stdout.write(`nothing to reset: ${dir} does not exist\n`);
  process.exit(0);
}
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`deleted ${dir}; the next npm start begins with an empty database and fresh sandboxes\n`);
