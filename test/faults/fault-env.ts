/**
 * A private broker and PostgreSQL for the fault suite, started with the same
 * functions as `npm run local:up` (scripts/local) but in directories of their
 * own under `.local/faults/<suite>/` and on free ports of their own, so killing
 * them never disturbs the shared environment other suites (and other people's
 * runs) use. Each suite stops what it started, by pid.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Admin, FindCoordinatorKeyTypes } from '@platformatic/kafka';
import pg from 'pg';
import { ADMIN_USER, loadPlatform } from '../../platform/index.js';
import type { ServiceDefinition } from '../../services/lib/handler.js';
import type { AnyEvent, EventKind } from '../../services/lib/events.js';
import type { KafkaConsumerTuning } from '../../services/lib/kafka-consumer.js';
import { createLogger, type Logger } from '../../services/lib/logger.js';
import type { RetryPolicy } from '../../services/lib/retry.js';
import { runService, type RunningService } from '../../services/lib/service.js';
import { createAcls } from '../../scripts/local/acl-bindings.js';
import { formatBroker, startBroker, stopBroker, waitForBroker } from '../../scripts/local/kafka-broker.js';
import { ensureKafkaJars } from '../../scripts/local/kafka-dist.js';
import { generatePassword } from '../../scripts/local/passwords.js';
import { kafkaPaths, LOCAL_DIR, postgresPaths, type KafkaPaths, type PostgresPaths } from '../../scripts/local/paths.js';
import { freePorts } from '../../scripts/local/ports.js';
import { ensurePostgresBinaries, startPostgres, startPostgresServer, stopPostgres } from '../../scripts/local/postgres.js';
import { isAlive } from '../../scripts/local/processes.js';
import { createTopics, localTopics } from '../../scripts/local/topics.js';

/** Where the fault suites keep their servers. */
export const FAULTS_DIR = join(LOCAL_DIR, 'faults');

/** Retries of the suite: the specification's shape, with waits short enough for a test (dependency retries cap at 1 s). */
export const FAULT_RETRY: RetryPolicy = { attempts: 3, initialDelayMs: 200, maxDelayMs: 1000 };

const HOST = '127.0.0.1';

/**
 * A fresh directory for one server of `suite`. A server a previous run left
 * there (a run interrupted before its afterAll) is stopped first, by the pid
 * in its own pid file.
 */
async function suiteDir(suite: string, server: 'kafka' | 'postgres'): Promise<string> {
  // Searchable by others: PostgreSQL runs as the postgres user when the suite runs as root.
  mkdirSync(FAULTS_DIR, { recursive: true, mode: 0o755 });
  const dir = join(FAULTS_DIR, suite, server);
  if (server === 'kafka') await stopBroker(kafkaPaths(dir));
  else await stopPostgres(postgresPaths(dir));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(FAULTS_DIR, suite), { recursive: true, mode: 0o755 });
  return dir;
}

/** Starts the suite's broker and PostgreSQL together; when one fails, stops the other before rethrowing. */
export async function startFaultServers(suite: string): Promise<{ broker: FaultBroker; postgres: FaultPostgres }> {
  const [broker, postgres] = await Promise.allSettled([FaultBroker.start(suite), FaultPostgres.start(suite)]);
  if (broker.status === 'fulfilled' && postgres.status === 'fulfilled') return { broker: broker.value, postgres: postgres.value };
  if (broker.status === 'fulfilled') await broker.value.stop();
  if (postgres.status === 'fulfilled') await postgres.value.stop();
  throw broker.status === 'rejected' ? broker.reason : (postgres as PromiseRejectedResult).reason;
}

/** Kills a server and every process of its group at once (SIGKILL: no shutdown, no flush), and waits until it is gone. */
async function killGroup(pid: number): Promise<void> {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
  while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** A PostgreSQL cluster of the suite's own. */
export class FaultPostgres {
  private constructor(
    private readonly binDir: string,
    readonly port: number,
    readonly databaseUrl: string,
    private readonly paths: PostgresPaths,
    private pid: number,
  ) {}

  static async start(suite: string): Promise<FaultPostgres> {
    const binDir = await ensurePostgresBinaries();
    const [port] = (await freePorts(1)) as [number];
    const paths = postgresPaths(await suiteDir(suite, 'postgres'));
    const instance = await startPostgres(binDir, port, generatePassword(), paths);
    return new FaultPostgres(binDir, port, instance.databaseUrl, paths, instance.pid);
  }

  /** SIGKILL of the postmaster and all its backends: what a crashed or evicted database pod looks like. */
  async kill(): Promise<void> {
    await killGroup(this.pid);
  }

  /** Starts it again on the same data and port (crash recovery runs first) and waits until it accepts connections. */
  async restart(): Promise<void> {
    this.pid = await startPostgresServer(this.binDir, this.port, this.paths);
  }

  /** Runs `sql` on a short-lived connection. */
  async query<R extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<R[]> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      return (await client.query<R>(sql, values)).rows;
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    await stopPostgres(this.paths);
  }
}

/**
 * A single-node Kafka broker of the suite's own, with the dev stack's topics,
 * users (SCRAM) and ACLs, exactly as `npm run local:up` makes them.
 */
export class FaultBroker {
  private constructor(
    private readonly libDir: string,
    readonly bootstrap: string,
    readonly plaintext: string,
    private readonly passwords: ReadonlyMap<string, string>,
    private readonly paths: KafkaPaths,
    private pid: number,
  ) {}

  static async start(suite: string): Promise<FaultBroker> {
    const spec = loadPlatform('dev');
    const libDir = await ensureKafkaJars();
    const [plaintext, sasl, controller] = (await freePorts(3)) as [number, number, number];
    const paths = kafkaPaths(await suiteDir(suite, 'kafka'));
    const passwords = new Map(spec.users.map((user) => [user.name, generatePassword()]));
    await formatBroker(libDir, { plaintext, sasl, controller }, passwords, paths);
    const broker = new FaultBroker(libDir, `${HOST}:${sasl}`, `${HOST}:${plaintext}`, passwords, paths, startBroker(libDir, paths));
    await waitForBroker(broker.pid, broker.plaintext, paths);
    const admin = broker.admin();
    try {
      await createTopics(admin, localTopics(spec));
      await createAcls(admin, spec);
      await broker.waitForCoordinator(admin);
    } finally {
      await admin.close();
    }
    return broker;
  }

  /** The SCRAM password of a spec user on this broker. */
  passwordOf(user: string): string {
    const password = this.passwords.get(user);
    if (password === undefined) throw new Error(`${user} is not a user of the dev stack`);
    return password;
  }

  /** An admin client on the PLAINTEXT listener (setup and checks). */
  admin(): Admin {
    return new Admin({ clientId: 'fault-suite', bootstrapBrokers: [this.plaintext] });
  }

  private async waitForCoordinator(admin: Admin): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await admin.findCoordinator({ keyType: FindCoordinatorKeyTypes.GROUP, keys: ['fault-suite-warmup'] });
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  /** SIGKILL of the broker JVM: no controlled shutdown, nothing flushed. */
  async kill(): Promise<void> {
    await killGroup(this.pid);
  }

  /** Starts it again on the same data and ports and waits until it answers. */
  async restart(): Promise<void> {
    this.pid = startBroker(this.libDir, this.paths);
    await waitForBroker(this.pid, this.plaintext, this.paths);
  }

  /**
   * The environment a service gets: this broker's SASL listener, direct Kafka
   * mode, as `user` (its ACLs apply) or the admin (any group, any topic).
   */
  serviceEnv(extra: Record<string, string> = {}, user = ADMIN_USER): Record<string, string> {
    return {
      KAFKA_BOOTSTRAP_SERVERS: this.bootstrap,
      KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_USERNAME: user,
      KAFKA_PASSWORD: this.passwordOf(user),
      KAFKA_MODE: 'kafka',
      PORT: '0',
      ...extra,
    };
  }

  /** The client connection of the admin on the SASL listener, for producers in the test. */
  get adminConnection() {
    return {
      bootstrapServers: [this.bootstrap],
      securityProtocol: 'SASL_PLAINTEXT' as const,
      saslMechanism: 'SCRAM-SHA-512' as const,
      username: ADMIN_USER,
      password: this.passwordOf(ADMIN_USER),
    };
  }

  async stop(): Promise<void> {
    await stopBroker(this.paths);
  }
}

/** A service running in this process through its real definition, with its log lines kept. */
export interface StartedService {
  readonly service: RunningService;
  readonly lines: Array<Record<string, unknown>>;
}

/** A logger that keeps its lines (warn and above by default) instead of printing them. */
export function keptLogger(level: 'debug' | 'info' | 'warn' = 'info'): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger({
    level,
    stream: {
      write: (line: string) => {
        lines.push(JSON.parse(line) as Record<string, unknown>);
        return true;
      },
    },
  });
  return { log, lines };
}

/** Starts `definition` as `npm run service` would, with `env`, the suite's retries and quick fetches. */
export async function startFaultService<E extends AnyEvent, K = E>(
  definition: ServiceDefinition<E, K>,
  env: Record<string, string>,
  options: {
    eventKinds?: Readonly<Record<string, EventKind>>;
    level?: 'debug' | 'info' | 'warn';
    tuning?: Partial<KafkaConsumerTuning>;
  } = {},
): Promise<StartedService> {
  const { log, lines } = keptLogger(options.level);
  const service = await runService(definition, {
    env,
    logger: log,
    retry: FAULT_RETRY,
    tuning: { maxWaitMs: 100, lagIntervalMs: 1000, sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1000, ...options.tuning },
    eventKinds: options.eventKinds,
  });
  return { service, lines };
}

/** Polls `condition` every 100 ms until it holds; rejects with `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Polls `/readyz` of services every 100 ms and keeps each transition, with
 * its time since `start`, for the figures and the readiness assertions.
 */
export class ReadinessRecorder {
  readonly transitions = new Map<string, Array<{ atMs: number; ready: boolean }>>();
  private timer: NodeJS.Timeout | undefined;
  private readonly started = Date.now();

  constructor(private readonly services: Readonly<Record<string, RunningService>>) {}

  start(): this {
    const poll = async () => {
      await Promise.all(
        Object.entries(this.services).map(async ([name, service]) => {
          let ready: boolean;
          try {
            ready = (await fetch(`http://127.0.0.1:${service.port}/readyz`)).status === 200;
          } catch {
            ready = false;
          }
          const list = this.transitions.get(name) ?? [];
          if (list.at(-1)?.ready !== ready) list.push({ atMs: Date.now() - this.started, ready });
          this.transitions.set(name, list);
        }),
      );
      if (this.timer !== undefined) this.timer = setTimeout(poll, 100);
    };
    this.timer = setTimeout(poll, 0);
    return this;
  }

  /** Milliseconds since the recorder started. */
  now(): number {
    return Date.now() - this.started;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Whether `name` was seen not ready between `fromMs` and `toMs`. */
  wasNotReadyBetween(name: string, fromMs: number, toMs: number): boolean {
    const list = this.transitions.get(name) ?? [];
    return list.some((t, i) => !t.ready && t.atMs <= toMs && (list[i + 1]?.atMs ?? Infinity) >= fromMs);
  }

  /** The last state seen of `name`. */
  lastReady(name: string): boolean | undefined {
    return this.transitions.get(name)?.at(-1)?.ready;
  }

  /** One line per service: `audit: ready@0.2s not-ready@5.3s ready@27.9s`. */
  describe(): string[] {
    return [...this.transitions].map(
      ([name, list]) => `${name}: ${list.map((t) => `${t.ready ? 'ready' : 'not-ready'}@${(t.atMs / 1000).toFixed(1)}s`).join(' ')}`,
    );
  }
}
