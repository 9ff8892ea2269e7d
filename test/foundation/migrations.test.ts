import { openDatabase } from '../../src/db/data-source.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { testDatabase } from '../support/database.js';

let embedded: EmbeddedPostgres | null = null;
let database: Awaited<ReturnType<typeof testDatabase>>;

beforeAll(async () => {
  database = await testDatabase();
  if (!database.url) embedded = await startEmbeddedPostgres();
});

afterAll(async () => {
  await embedded?.close();
  await database?.drop();
});

describe('migrations', () => {
  it('build exactly the schema the entities describe (no drift), and re-running them is a no-op', async () => {
    const url = database.url ?? embedded!.url;
    const dataSource = await openDatabase({ url, poolSize: 2 });
    try {
      const pending = await dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
      expect(await dataSource.showMigrations()).toBe(false);
    } finally {
      await dataSource.destroy();
    }
    const again = await openDatabase({ url, poolSize: 2 });
    await again.destroy();
  });
});
