import type pg from 'pg';
import type { DataSource } from 'typeorm';
import { poolOf } from '../../db/data-source.js';
import type { Queryable } from '../../store/queryable.js';

let sessions = 0;

/**
 * One pooled connection held for a sync run, on which each statement is prepared once (a named statement) and
 * then only bound and executed: the big CTEs of the sync cost more to parse and plan than to run, especially on
 * the embedded database. Statements are sent one at a time on this connection, so it suits the callers that
 * are serial anyway (page statements, group commits). Names are unique per process, because the embedded
 * database serves every connection from one session; `close` deallocates them and returns the connection.
 */
export class PreparedStatements implements Queryable {
  private client: Promise<pg.PoolClient> | null = null;
  private readonly names = new Map<string, string>();
  private readonly prefix = `socgraph_sync_${process.pid}_${++sessions}`;
  private broken = false;

  constructor(private readonly dataSource: DataSource) {}

  async query(sql: string, parameters?: unknown[]): Promise<any> {
    this.client ??= poolOf(this.dataSource).connect().catch((error: unknown) => {
      this.client = null;
      throw error;
    });
    const client = await this.client;
    let name = this.names.get(sql);
    if (!name) {
      name = `${this.prefix}_${this.names.size}`;
      this.names.set(sql, name);
    }
    try {
      return (await client.query({ name, text: sql, values: parameters })).rows;
    } catch (error) {
      // A statement error leaves the connection usable; a lost connection does not.
      if (!(error instanceof Error && 'severity' in error)) this.broken = true;
      throw error;
    }
  }

  async close(): Promise<void> {
    const pending = this.client;
    this.client = null;
    if (!pending) return;
    const client = await pending.catch(() => null);
    if (!client) return;
    try {
      if (!this.broken) {
        for (const name of this.names.values()) {
          // 26000: never prepared (its first use failed before the statement was parsed).
          await client.query(`DEALLOCATE ${name}`).catch((error: { code?: string }) => {
            if (error.code !== '26000') throw error;
          });
        }
      }
      client.release(this.broken || undefined);
    } catch (error) {
      client.release(error instanceof Error ? error : true);
    } finally {
      this.names.clear();
    }
  }
}
