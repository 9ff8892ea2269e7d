import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { livePostmaster, stopPostmaster } from '../../src/db/postmaster.js';
import { startHubProcess } from '../support/hub-process.js';

/** The embedded PostgreSQL the hub starts when DATABASE_URL is unset, each case in a folder of its own. */
const folder = () => join(mkdtempSync(join(tmpdir(), 'sg-embedded-')), 'postgres');

async function canConnect(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return 'connected';
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('embedded PostgreSQL', () => {
  it('is not open: the hub role has a generated password kept mode 0600 in the folder, and nobody gets in without one', async () => {
    const dataDir = folder();
    const embedded = await startEmbeddedPostgres({ dataDir });
    try {
      const url = new URL(embedded.url);
      expect(url.hostname).toBe('127.0.0.1');
      expect(url.username).toBe('socgraph');
      expect(url.password.length).toBeGreaterThanOrEqual(24);
      for (const file of ['socgraph-credentials.json', 'socgraph-database-url']) {
        expect(statSync(join(dataDir, file)).mode & 0o777).toBe(0o600);
      }
      expect(readFileSync(embedded.urlFile, 'utf8').trim()).toBe(embedded.url);

      const client = new pg.Client({ connectionString: embedded.url });
      await client.connect();
      const { rows } = await client.query(`SELECT rolsuper FROM pg_roles WHERE rolname = current_user`);
      expect(rows[0].rolsuper).toBe(false);
      await client.end();

      const noPassword = new URL(embedded.url);
      noPassword.password = '';
      expect(await canConnect(noPassword.toString())).toMatch(/password/);
      const wrong = new URL(embedded.url);
      wrong.password = 'guess';
      expect(await canConnect(wrong.toString())).toMatch(/password authentication failed/);
      for (const user of ['postgres', 'root']) {
        expect(await canConnect(`postgres://${user}@127.0.0.1:${url.port}/postgres`)).toMatch(/password/);
      }
    } finally {
      await embedded.close();
    }
    expect(livePostmaster(dataDir)).toBeNull();
  });

  it('refuses a folder a live owner holds (a second replica joins by URL instead), and is reused after a stop', async () => {
    const dataDir = folder();
    const first = await startEmbeddedPostgres({ dataDir });
    try {
      await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(/in use by another live hub.*DATABASE_URL=\$\(cat .*socgraph-database-url\)/);
      const joined = await startEmbeddedPostgres({ dataDir, join: true });
      expect(joined.url).toBe(first.url);
      await joined.close(); // a joiner never stops the owner's server
      expect(await canConnect(first.url)).toBe('connected');
    } finally {
      await first.close();
    }
    const again = await startEmbeddedPostgres({ dataDir });
    expect(again.started).toBe(true);
    await again.close();
  });

  it('starts past a postmaster.pid whose pid is dead or taken by another process (an unreaped or reused pid)', async () => {
    const dataDir = folder();
    const embedded = await startEmbeddedPostgres({ dataDir });
    await embedded.close();
    const pidFile = join(dataDir, 'postmaster.pid');
    // A live process that is not PostgreSQL (an unreaped or reused pid): PostgreSQL alone would refuse to start.
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      for (const pid of [other.pid!, 999_999]) {
        writeFileSync(pidFile, `${pid}\n${dataDir}\n1700000000\n5432\n\n127.0.0.1\n  1234  5678\nready   \n`);
        const restarted = await startEmbeddedPostgres({ dataDir });
        expect(await canConnect(restarted.url)).toBe('connected');
        await restarted.close();
      }
    } finally {
      other.kill();
    }
  });

  it('names a folder it cannot use in one line', async () => {
    const dataDir = folder();
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'something'), 'not a database');
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(/is not empty and holds no PostgreSQL cluster/);
  });

  it('lets `npm start` come back 0.5 s after kill -9 (adopting its server), and a second start on a live hub\'s folder fail in one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-embedded-hub-'));
    const dataDir = join(dir, 'postgres');
    const config = join(dir, 'hub.yaml');
    writeFileSync(config, `sandboxes: none\nserver: { port: 0, host: 127.0.0.1 }\ndatabase: { dataDir: ${dataDir} }\n`);
    const env = { HUB_CONFIG: config, DATABASE_URL: '' };
    try {
      const first = await startHubProcess(env);
      expect(first.output()).toContain(`database: embedded PostgreSQL at ${dataDir}`);
      expect(first.output()).toMatch(/database URL: postgres:\/\/socgraph:\*\*\*@127\.0\.0\.1:\d+\/socgraph \(password in .*socgraph-database-url\)/);
      expect(first.output()).not.toContain(new URL(readFileSync(join(dataDir, 'socgraph-database-url'), 'utf8').trim()).password);

      const refused = await startHubProcess(env).then(() => 'started', (error: Error) => error.message);
      expect(refused).toMatch(/hub exited with 1: socgraph: the embedded database in .* is in use by another live hub/);

      first.child.kill('SIGKILL');
      await new Promise((resolve) => first.child.once('exit', resolve));
      await new Promise((resolve) => setTimeout(resolve, 500));
      const second = await startHubProcess(env);
      expect(second.output()).toContain('(adopted: left running by a hub that was stopped abruptly)');
      expect((await fetch(second.url.replace('/graphql', '/readyz'))).status).toBe(200);
      expect(await second.stop()).toBe(0);
      expect(livePostmaster(dataDir)).toBeNull(); // the adopted server is stopped with the hub
    } finally {
      await stopPostmaster(dataDir);
    }
  }, 90_000);
});
