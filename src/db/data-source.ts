import 'reflect-metadata';
import pg from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { entities } from '../store/entities/index.js';
import { migrations } from '../../migrations/index.js';
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

/** The one TypeORM DataSource of a hub: entities, migrations, pg driver. */
export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities,
    migrations,
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

/** The pg pool under a DataSource, for the few hot paths that send multi-statement SQL in one round trip. */
export function poolOf(dataSource: DataSource): pg.Pool {
  return (dataSource.driver as PostgresDriver).master as pg.Pool;
}
