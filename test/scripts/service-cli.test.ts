/**
 * What a person reads when `npm run service` (or a local tool) cannot start:
 * plain text, the fix on the first line. In a container, where no person
 * reads stderr, the same failure is one JSON log line like all the others.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../scripts/local/paths.js';

const NODE_ARGS = ['--require', './platform/require-node.cjs', '--import', 'tsx'];
let empty: string;
beforeAll(() => {
  empty = mkdtempSync(join(tmpdir(), 'no-local-'));
});
afterAll(() => rmSync(empty, { recursive: true, force: true }));

/** Runs an entry as `npm run <script>` does (npm sets npm_lifecycle_event), on a machine without `.local`. */
function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}, asNpm = true) {
  const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, TODO_EVENTS_LOCAL_DIR: join(empty, '.local') };
  return spawnSync(process.execPath, [...NODE_ARGS, script, ...args], {
    cwd: REPO_ROOT,
    env: { ...base, ...(asNpm ? { npm_lifecycle_event: 'service' } : {}), ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

/** `run`, without blocking this process (which holds the busy port). */
function runAsync(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stderr: string }> {
  const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, TODO_EVENTS_LOCAL_DIR: join(empty, '.local') };
  const child = spawn(process.execPath, [...NODE_ARGS, script, ...args], {
    cwd: REPO_ROOT,
    env: { ...base, npm_lifecycle_event: 'service', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (status) => resolve({ status, stderr })));
}

describe('npm run service', () => {
  it('names the services when the name is unknown, in one plain line', () => {
    const result = run('services/run.ts', ['nope']);
    expect([result.status, result.stdout, result.stderr]).toEqual([
      2,
      '',
      'unknown service "nope": run npm run service -- <audit|notification|recurring-task|websocket>\n',
    ]);
  });

  it('guesses the service a typo meant', () => {
    expect(run('services/run.ts', ['audi']).stderr).toBe('unknown service "audi": did you mean `npm run service -- audit`?\n');
  });

  it('says to run npm run local:up first when .local/env is missing, then lists what is not set', () => {
    const result = run('services/run.ts', ['audit']);
    const lines = result.stderr.trimEnd().split('\n');
    expect(result.status).toBe(1);
    expect(lines[0]).toBe(
      `${join(empty, '.local', 'env')} does not exist: run \`npm run local:up\` first, then \`npm run service -- audit\` again (or set the variables below yourself)`,
    );
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^ {2}- KAFKA_BOOTSTRAP_SERVERS: is not set; /),
      expect.stringMatching(/^ {2}- DATABASE_URL: is not set; /),
    ]);
    expect(result.stderr).not.toContain('{"time"');
  });

  it('says the port is taken and how to pick another, instead of a stack trace', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, resolve));
    const port = (busy.address() as AddressInfo).port;
    try {
      const result = await runAsync('services/run.ts', ['websocket'], {
        KAFKA_MODE: 'kafka',
        KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:1',
        KAFKA_USERNAME: 'websocket-service',
        KAFKA_PASSWORD: 'unused',
        WEBSOCKET_TOKEN_SECRET: 'x'.repeat(32),
        PORT: String(port),
      });
      expect([result.status, result.stderr]).toEqual([
        1,
        `port ${port} is in use (another service?): stop what listens there, or start this one on a free port: PORT=0 npm run service -- websocket\n`,
      ]);
    } finally {
      busy.close();
    }
  });

  it('logs the same failure as one JSON line in a container', () => {
    const result = run('services/run.ts', ['audit'], {}, false);
    expect(result.status).toBe(1);
    const line = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { level: string; msg: string };
    expect(line.level).toBe('error');
    expect(line.msg).toMatch(/does not exist: run `npm run local:up` first/);
  });
});

describe('npm run mint-token and npm run ws-client', () => {
  it('say where the token key comes from when there is none', () => {
    const result = run('services/websocket/mint-token.ts', ['user-1']);
    expect([result.status, result.stderr]).toEqual([
      1,
      `no token key: run \`npm run local:up\` (it writes ${join(empty, '.local', 'services', 'websocket.env')}), or set WEBSOCKET_TOKEN_SECRET to the key the service uses\n`,
    ]);
  });

  it('print the usage for a missing user', () => {
    const result = run('services/websocket/mint-token.ts', []);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'name the user (and optionally the lifetime in whole seconds): usage: npm run mint-token -- <user_id> [ttl-seconds]   (default ttl: 3600)\n',
    );
  });

  it('say the service is not running when nothing listens', () => {
    const result = run('services/websocket/ws-client.ts', ['--token', 'a.b', '--url', 'ws://127.0.0.1:1/ws']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^cannot connect to ws:\/\/127\.0\.0\.1:1\/ws \(.*\): is the service running\? Start it with `npm run service -- websocket`\n$/,
    );
  });
});
