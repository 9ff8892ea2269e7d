import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Issue 14's start-up ergonomics as a user meets them: `npm start` on a port in use, and `--help` on every CLI. */
function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [script, ...args], {
    env: { ...process.env, NODE_OPTIONS: '', ...env }, encoding: 'utf8', timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('start-up ergonomics', () => {
  let holder: Server;
  beforeAll(async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => holder.close(() => resolve())));

  it('says in one line which port is in use and how to pick another', () => {
    const port = (holder.address() as AddressInfo).port;
    const dir = mkdtempSync(join(tmpdir(), 'sg-port-'));
    writeFileSync(join(dir, 'hub.yaml'), `sandboxes: none\ndatabase: { dataDir: ${join(dir, 'postgres')} }\n`);
    const started = run('dist/src/main.js', [], { HUB_CONFIG: join(dir, 'hub.yaml'), PORT: String(port), LOG_LEVEL: 'info' });
    expect(started.status).toBe(1);
    expect(started.stderr.trim()).toBe(`socgraph: port ${port} on 127.0.0.1 is in use: stop what holds it, or pick another port (PORT=${port + 1} npm start, or server.port in HUB_CONFIG)`);
    const printed = started.stdout + started.stderr;
    expect(printed).not.toMatch(/Internal error|EADDRINUSE|\n\s+at /);
  });

  it('prints usage for --help', () => {
    for (const [script, pattern] of [
      ['dist/src/main.js', /usage: npm start[\s\S]*PORT=N, HOST=ADDR/],
      ['dist/src/cli/token.js', /usage:[\s\S]*token -- create --role/],
      ['dist/src/cli/print-schema.js', /usage: npm run schema:print/],
    ] as const) {
      const help = run(script, ['--help']);
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(pattern);
    }
    const wrong = run('dist/src/cli/token.js', ['--bogus']);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/Unknown option '--bogus'[\s\S]*usage:/);
  });
});
