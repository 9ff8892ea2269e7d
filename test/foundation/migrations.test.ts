import { openDatabase } from '../../src/db/open-database.js';
import { testDatabase } from '../support/database.js';

let database: Awaited<ReturnType<typeof testDatabase>>;

beforeAll(async () => {
  database = await testDatabase();
});

afterAll(async () => {
  await database?.drop();
});

describe('migrations', () => {
  it('build exactly the schema the entities describe (no drift), and re-running them is a no-op', async () => {
    const url = database.url!;
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
