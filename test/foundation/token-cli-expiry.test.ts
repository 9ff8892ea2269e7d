import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabase } from '../support/database.js';

/** `npm run token -- create --expires-in`: the expiry is stored and listed; a malformed duration is refused. */
function tokenCli(env: NodeJS.ProcessEnv, ...args: string[]) {
  const result = spawnSync(process.execPath, ['dist/src/cli/token.js', ...args], {
    env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'warn', ...env }, encoding: 'utf8', timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('token CLI expiry', () => {
  it('creates a token expiring in 30 days, lists its expiry, and refuses a malformed duration', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-token-cli-'));
    const database = await testDatabase('sg_token_cli');
    try {
      const config = join(dir, 'hub.yaml');
      writeFileSync(config, `sandboxes: all\ndatabase: { dataDir: ${join(dir, 'postgres')} }\n`);
      const env = { HUB_CONFIG: config, DATABASE_URL: database.url ?? '' };
      const before = Date.now();
      const created = tokenCli(env, 'create', '--role', 'VIEWER', '--name', 'wallboard', '--expires-in', '30d');
      expect(created.status).toBe(0);
      expect(created.stdout.trim()).toMatch(/^sgt_\S{20,}$/);
      const expires = new Date(/expires (\S+)\./.exec(created.stderr)![1]!).getTime();
      expect(expires - before).toBeGreaterThanOrEqual(30 * 86_400_000);
      expect(expires - before).toBeLessThan(30 * 86_400_000 + 120_000);
      const listed = tokenCli(env, 'list');
      expect(listed.stdout).toMatch(new RegExp(`VIEWER\\s+wallboard\\s+created \\S+\\s+expires ${new Date(expires).toISOString()}`));
      const refused = tokenCli(env, 'create', '--role', 'VIEWER', '--name', 'x', '--expires-in', '30 years');
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/--expires-in: a duration like 30d/);
    } finally {
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
