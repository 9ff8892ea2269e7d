import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface HubProcess {
  child: ChildProcess;
  /** The GraphQL URL from the start-up log. */
  url: string;
  /** Everything the process printed so far. */
  output(): string;
  /** SIGTERM, and the exit code (null if it had to be killed after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<number | null>;
}

/** Starts `node dist/src/main.js` (what `npm start` runs; `nodeArgs` e.g. its heap cap) and waits for its "ready" log. */
export async function startHubProcess(env: NodeJS.ProcessEnv, options: { nodeArgs?: string[] } = {}): Promise<HubProcess> {
  if (!existsSync('dist/src/main.js')) throw new Error('run `npm run build` first (npm test does)');
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), 'dist/src/main.js'], {
    env: { ...process.env, LOG_LEVEL: 'warn', NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk) => { out += chunk; });
  child.stderr!.on('data', (chunk) => { out += chunk; });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start: ${out}`)), 45_000);
    const check = () => {
      const match = /GraphQL \(HTTP \+ graphql-ws\): (\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code}: ${out}`));
    });
  });
  return {
    child,
    url,
    output: () => out,
    async stop(timeoutMs = 15_000) {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
