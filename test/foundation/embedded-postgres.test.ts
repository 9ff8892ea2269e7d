import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded-postgres.js';

let embedded: EmbeddedPostgres;

beforeAll(async () => {
  embedded = await startEmbeddedPostgres();
});

afterAll(async () => {
  await embedded?.close();
});

describe('embedded PostgreSQL through pglite-socket', () => {
  it('keeps concurrent parameterised queries and transactions of many pooled connections apart', async () => {
    const pool = new pg.Pool({ connectionString: embedded.url, max: 10 });
    await pool.query('CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)');
    await pool.query('INSERT INTO counter VALUES (1, 0)');
    const work = Array.from({ length: 200 }, async (_, i) => {
      if (i % 4 === 0) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const { rows } = await client.query('SELECT n FROM counter WHERE id = $1 FOR UPDATE', [1]);
          await client.query('UPDATE counter SET n = $1 WHERE id = $2', [rows[0].n + 1, 1]);
          await client.query('COMMIT');
        } finally {
          client.release();
        }
        return null;
      }
      const { rows } = await pool.query('SELECT $1::int + $2::int AS sum, $3::text AS label', [i, 1, `q${i}`]);
      return rows[0];
    });
    const results = await Promise.all(work);
    results.forEach((row, i) => {
      if (row) expect(row).toEqual({ sum: i + 1, label: `q${i}` });
    });
    const { rows } = await pool.query('SELECT n FROM counter');
    expect(rows[0].n).toBe(50);
    await pool.end();
  });

  it('refuses a data folder that a live process already holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-embedded-'));
    const first = await startEmbeddedPostgres({ dataDir: dir });
    try {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(join(dir, 'socgraph.pid'), String(process.ppid));
      await expect(startEmbeddedPostgres({ dataDir: dir })).rejects.toThrow(/in use by process/);
    } finally {
      await first.close();
    }
  });
});
