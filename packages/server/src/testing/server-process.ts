/**
 * @module testing/server-process
 * Runs Switchboard as a separate OS process (the CLI, from source through tsx) so tests can SIGKILL it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'app', 'cli.ts');

/** load tests send from one address far faster than visitors do: lift the webchat visitor limits for them */
export const UNLIMITED_VISITORS: Record<string, string> = {
  SWITCHBOARD_WEBCHAT_SESSIONS_PER_MINUTE: '1000000',
  SWITCHBOARD_WEBCHAT_MESSAGES_PER_MINUTE: '1000000',
  SWITCHBOARD_WEBCHAT_ADDRESS_MESSAGES_PER_MINUTE: '1000000',
  SWITCHBOARD_WEBCHAT_TYPING_PER_MINUTE: '1000000',
  SWITCHBOARD_WEBCHAT_ADDRESS_TYPING_PER_MINUTE: '1000000',
  SWITCHBOARD_WEBCHAT_OPEN_CONVERSATIONS_PER_ADDRESS: '1000000',
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: string[];
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function spawnServer(
  env: Record<string, string>,
  port: number,
  args: string[] = ['start'],
  /** a process that starts a processing thread from the sources loads them twice (tsx): slower on a busy machine */
  startTimeoutMs = 30_000,
): Promise<ServerProcess> {
  const output: string[] = [];
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output.join('')}`)), startTimeoutMs);
    const onData = (d: Buffer) => {
      output.push(d.toString());
      if (output.join('').includes('is running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
    void exited.then((code) => reject(new Error(`server exited with ${code}: ${output.join('')}`)));
  });
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    output,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      child.kill(signal);
      return exited;
    },
  };
}

/**
 * a JSON client for a spawned server that is killed and restarted during a test: `current` answers the running
 * process each time, so one client serves every incarnation
 */
export function processApi(current: () => ServerProcess | undefined, token: string) {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${current()?.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return (await res.json()) as T;
  };
}
