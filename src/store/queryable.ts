import type { DataSource } from 'typeorm';
import { poolOf } from '../db/data-source.js';

/** Anything that runs SQL and answers rows: a DataSource, an EntityManager inside a transaction, or `directSql`. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<any>;
}

/**
 * Runs single statements straight on the pg pool, skipping TypeORM's query-runner bookkeeping: for the sync's
 * hot path, where every ticket costs a handful of statements.
 */
export function directSql(dataSource: DataSource): Queryable {
  const pool = poolOf(dataSource);
  return {
    async query(sql, parameters) {
      return (await pool.query(sql, parameters as unknown[])).rows;
    },
  };
}
