/**
 * The websocket service on this machine, as the README has a newcomer try it:
 * `npm run service -- websocket`, `npm run mint-token`, `npm run ws-client`,
 * and an update published with `npm run local:publish` to task-updates on the
 * local broker arriving at the client. Every step is the real command, as a
 * child process; the service gets a token key, a free port and a consumer
 * group of its own, so it shares nothing with other runs on the broker.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from '../../scripts/local/paths.js';
import { describeWithBroker } from '../support/local-env.js';

const NODE_ARGS = ['--require', './platform/require-node.cjs', '--import', 'tsx'];

interface Child {
  readonly process: ChildProcess;
  readonly stdout: string[];
  stderr: string;
  readonly exit: Promise<number | null>;
}

function start(script: string, args: string[], env: NodeJS.ProcessEnv): Child {
  const child = spawn(process.execPath, [...NODE_ARGS, script, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started: Child = {
    process: child,
    stdout: [],
    stderr: '',
    exit: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
  createInterface({ input: child.stdout! }).on('line', (line) => started.stdout.push(line));
  child.stderr!.on('data', (chunk: Buffer) => (started.stderr += chunk.toString()));
  return started;
}

async function until<T>(what: string, check: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const logLines = (child: Child) =>
  child.stdout.flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });

describeWithBroker('the websocket service tried by hand', () => {
  const tokenKey = randomBytes(32).toString('base64url');
  const user = `e2e-${randomUUID()}`;
  const env = { WEBSOCKET_TOKEN_SECRET: tokenKey, PORT: '0', KAFKA_CONSUMER_GROUP: `websocket-service-e2e-${randomUUID()}` };
  const children: Child[] = [];
  let port: number;

  beforeAll(async () => {
    const service = start('services/run.ts', ['websocket'], env);
    children.push(service);
    port = await until(
      'the service to start',
      () => logLines(service).find((l) => l.msg === 'service started')?.port as number | undefined,
    );
    // Fan-out replicas start at the newest offset: wait until the consumer holds its partitions.
    await until('the consumer to join its group', () =>
      logLines(service).some((l) => l.msg === 'consumer joined its group') ? true : undefined,
    );
  }, 60_000);

  afterAll(async () => {
    for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGTERM');
    await Promise.all(children.map((c) => c.exit));
  });

  it('delivers an update published to task-updates to a client connected with a minted token', async () => {
    const minted = spawnSync(process.execPath, [...NODE_ARGS, 'services/websocket/mint-token.ts', user, '600'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    expect(minted.status).toBe(0);
    const token = minted.stdout.trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);

    const client = start('services/websocket/ws-client.ts', ['--token', token, '--url', `ws://127.0.0.1:${port}/ws`, '--count', '1'], env);
    children.push(client);
    await until('the client to connect', () => (client.stderr.includes('connected to') ? true : undefined));

    const title = `e2e ${randomUUID()}`;
    // Published until it arrives: the first may land before the new group's offsets are fixed.
    for (let attempt = 0; client.stdout.length === 0 && attempt < 10; attempt++) {
      const published = spawnSync(
        process.execPath,
        [...NODE_ARGS, 'scripts/local/publish.ts', 'task-updates', '--user', user, '--title', title],
        {
          cwd: REPO_ROOT,
          encoding: 'utf8',
        },
      );
      expect([published.status, published.stderr]).toEqual([0, '']);
      expect(published.stdout).toMatch(/^published to task-updates partition \d+ as todo-api: /);
      await until('the update', () => (client.stdout.length > 0 ? true : undefined), 3_000).catch(() => undefined);
    }
    expect(await client.exit).toBe(0);
    const update = JSON.parse(client.stdout[0]!) as { user_id: string; update_type: string; task: { title: string } };
    expect([update.user_id, update.update_type, update.task.title]).toEqual([user, 'updated', title]);
    expect(client.stderr).toContain('closed after 1 update(s): 1000');
  }, 60_000);

  it('refuses a client whose token the service did not sign, saying so in one line', async () => {
    const forged = spawnSync(process.execPath, [...NODE_ARGS, 'services/websocket/mint-token.ts', user], {
      cwd: REPO_ROOT,
      env: { ...process.env, WEBSOCKET_TOKEN_SECRET: randomBytes(32).toString('base64url') },
      encoding: 'utf8',
    }).stdout.trim();
    const client = start('services/websocket/ws-client.ts', ['--token', forged, '--url', `ws://127.0.0.1:${port}/ws`], env);
    children.push(client);
    expect(await client.exit).toBe(1);
    expect(client.stderr).toBe(`ws://127.0.0.1:${port}/ws refused the connection: HTTP 401 Unauthorized\n`);
  }, 30_000);
});
