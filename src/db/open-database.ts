import 'reflect-metadata';
import pg from 'pg';
import { DataSource, type MigrationInterface } from 'typeorm';
import { coreMigrations } from '../../migrations/index.js';
import { flows } from '../flows/index.js';
import { coreEntities } from '../store/entities/index.js';
import { databaseStatements } from '../observability/metrics.js';

export interface DataSourceOptions {
  url: string;
  /** Pool size per hub process. */
  poolSize?: number;
  /** Only for tests that check the entities against the migrations. */
  synchronize?: boolean;
}

/** A pg client that counts the statements it sends (socgraph_db_statements_total). */
class CountingClient extends pg.Client {
  override query(...args: unknown[]): never {
    databaseStatements.inc();
    return (super.query as (...a: unknown[]) => never)(...args);
  }
}

/** The hub's entities and each registered flow's. */
export function allEntities(): Function[] {
  return [...coreEntities, ...flows.flatMap((flow) => flow.entities)];
}

/** The hub's migrations and each registered flow's, oldest first (by the timestamp ending each class name). */
export function allMigrations(): Array<new () => MigrationInterface> {
  const timestamp = (migration: new () => MigrationInterface) => Number(/(\d{13})$/.exec(migration.name)?.[1] ?? Number.NaN);
  const all = [...coreMigrations, ...flows.flatMap((flow) => flow.migrations)];
  for (const migration of all) if (Number.isNaN(timestamp(migration))) throw new Error(`migration ${migration.name}: its class name must end with a 13-digit timestamp`);
  return all.sort((a, b) => timestamp(a) - timestamp(b));
}

/** The one TypeORM DataSource of a hub: entities, migrations, pg driver. */
export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: allEntities(),
    migrations: allMigrations(),
    migrationsTableName: 'socgraph_migrations',
    migrationsTransactionMode: 'each',
    synchronize: options.synchronize ?? false,
    uuidExtension: 'pgcrypto',
    extra: { max: options.poolSize ?? 10, connectionTimeoutMillis: 10_000, Client: CountingClient },
    logging: false,
  });
}

/** Connects and applies pending migrations (start-up does this every time; it is a no-op when current). */
export async function openDatabase(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = createDataSource(options);
  await dataSource.initialize();
  // Two replicas starting at once must not both migrate: serialise on an advisory lock.
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  await lock.query('SELECT pg_advisory_lock(727274001)');
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await lock.query('SELECT pg_advisory_unlock(727274001)');
    await lock.release();
  }
  return dataSource;
}
