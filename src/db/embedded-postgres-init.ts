import { PGlite } from '@electric-sql/pglite';
import { pgliteOptions } from './embedded-postgres-server.js';

/**
 * `node embedded-postgres-init.js DATA_DIR`: creates an embedded database (PGlite's initdb) in a process of its
 * own. initdb takes a few hundred MB that a process keeps resident once touched, even after PGlite closes; run
 * here, it is all returned when this process exits, and the hub opens the ready folder at restart-size memory.
 */
const dataDir = process.argv[2];
if (!dataDir) {
  process.stderr.write('usage: embedded-postgres-init DATA_DIR\n');
  process.exit(2);
}
try {
  const db = await PGlite.create(pgliteOptions(dataDir));
  await db.close();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
