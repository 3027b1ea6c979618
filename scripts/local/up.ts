/**
 * `npm run local:up [-- --stack <name>]`: a real Apache Kafka 4 broker (KRaft,
 * single node, SCRAM, SASL/PLAIN and ACLs) and PostgreSQL on this machine, with the
 * topics, users and ACLs of the stack's spec. Idempotent: when everything is
 * already up it says so and exits 0.
 */
import '../../platform/require-node.cjs';
import { existsSync, rmSync } from 'node:fs';
import { Admin, FindCoordinatorKeyTypes } from '@platformatic/kafka';
import { loadPlatform, type PlatformSpec } from '../../platform/index.js';
import { createAcls } from './acl-bindings.js';
import { parseUpArgs } from './args.js';
import { localEnvVars, userEnvVars, type LocalEndpoints } from './env-contract.js';
import { LOCAL_ENV, readEnvFile, writeEnvFile } from './env-files.js';
import { LocalEnvError } from './errors.js';
import { brokerAnswers, formatBroker, runningBrokerPid, startBroker, waitForBroker } from './kafka-broker.js';
import { ensureKafkaJars, KAFKA_DIST } from './kafka-dist.js';
import { elapsed, step } from './log.js';
import { ensureLocalDir, LOCAL_DIR, LOCAL_PATHS, userEnvFile } from './paths.js';
import { generatePassword } from './passwords.js';
import { freePorts } from './ports.js';
import { ensurePostgresBinaries, POSTGRES_STOP, runningPostgresPid, startPostgres } from './postgres.js';
import { stopAll } from './stop.js';
import { isAlive, refuseNewProcesses, startedServers, stopProcess, waitUntil } from './processes.js';
import { writeServiceEnvFiles } from './service-env.js';
import { createTopics, localTopics } from './topics.js';

const HOST = '127.0.0.1';

/** Whether a complete environment for `spec`'s stack is up; throws when one for another stack is. */
async function alreadyRunning(spec: PlatformSpec): Promise<boolean> {
  const stack = spec.stack;
  if (!existsSync(LOCAL_PATHS.envFile)) return false;
  const kafkaPid = runningBrokerPid();
  const postgresPid = runningPostgresPid();
  if (kafkaPid === undefined || postgresPid === undefined) return false;
  const env = readEnvFile(LOCAL_PATHS.envFile);
  const plaintext = env[LOCAL_ENV.plaintextBootstrapServers];
  if (!plaintext || !(await brokerAnswers(plaintext))) return false;
  if (env[LOCAL_ENV.stack] !== stack) {
    throw new LocalEnvError(
      'LOCAL_OTHER_STACK',
      `the local environment is running with stack ${env[LOCAL_ENV.stack]}, not ${stack}; run npm run local:down first`,
    );
  }
  // An environment started before the services had files of their own gets them now.
  await writeServiceEnvFiles(spec, true);
  console.log(
    `local:up: already running: Kafka (pid ${kafkaPid}) at ${env[LOCAL_ENV.bootstrapServers]}, PostgreSQL (pid ${postgresPid}); settings in ${LOCAL_PATHS.envFile}`,
  );
  return true;
}

/** Makes sure the group coordinator is up (it creates `__consumer_offsets` on first use), so the first consumer test does not race it. */
async function warmGroupCoordinator(admin: Admin): Promise<void> {
  await waitUntil(
    async () => {
      await admin.findCoordinator({ keyType: FindCoordinatorKeyTypes.GROUP, keys: ['local-up-warmup'] });
      return true;
    },
    { timeoutMs: 60_000, code: 'LOCAL_KAFKA_NOT_READY', describe: (reason) => `the group coordinator did not become available: ${reason}` },
  );
}

async function provisionKafka(spec: PlatformSpec, plaintextBootstrap: string): Promise<{ topics: number; acls: number }> {
  const admin = new Admin({ clientId: 'local-up', bootstrapBrokers: [plaintextBootstrap] });
  try {
    const topics = localTopics(spec);
    for (const topic of topics) {
      const notes = topic.adjustments.length > 0 ? ` (${topic.adjustments.join('; ')})` : '';
      step(
        `topic ${topic.name}: ${topic.partitions} partition(s), replication ${topic.replicationFactor}, retention.ms ${topic.configs['retention.ms']}${notes}`,
      );
    }
    await createTopics(admin, topics);
    const acls = await createAcls(admin, spec);
    step(
      `ACLs: ${acls} bindings for ${spec.users.filter((u) => u.acls.length > 0).length} users (${spec.users
        .filter((u) => u.kind === 'admin')
        .map((u) => u.name)
        .join(', ')} is a superuser)`,
    );
    await warmGroupCoordinator(admin);
    return { topics: topics.length, acls };
  } finally {
    await admin.close();
  }
}

async function writeEnvFiles(spec: PlatformSpec, endpoints: LocalEndpoints): Promise<Map<string, number>> {
  rmSync(LOCAL_PATHS.usersDir, { recursive: true, force: true });
  rmSync(LOCAL_PATHS.servicesDir, { recursive: true, force: true });
  const ports = await writeServiceEnvFiles(spec);
  for (const user of spec.users) {
    writeEnvFile(
      userEnvFile(user.name),
      `Kafka user ${user.name} (${user.kind}) on the local broker; written by npm run local:up`,
      userEnvVars(spec, endpoints, user.name),
    );
  }
  // Written last: its presence means the environment is complete.
  writeEnvFile(
    LOCAL_PATHS.envFile,
    `Local Kafka and PostgreSQL (stack ${spec.stack}); written by npm run local:up, removed by npm run local:down`,
    localEnvVars(spec, endpoints),
  );
  return ports;
}

/** Starts everything from scratch; the caller cleans up when it throws. */
async function start(spec: PlatformSpec): Promise<void> {
  const stack = spec.stack;
  step(`stack ${stack}: ${spec.topics.length} topics, ${spec.users.length} users`);
  ensureLocalDir();
  const [libDir, pgBinDir] = await Promise.all([ensureKafkaJars(), ensurePostgresBinaries()]);
  const [plaintext, sasl, plain, controller, pgPort] = (await freePorts(5)) as [number, number, number, number, number];
  const passwords = new Map(spec.users.map((user) => [user.name, generatePassword()]));

  step(`Kafka: formatting a fresh KRaft data directory with SCRAM-SHA-256/512 (and PLAIN) credentials for ${passwords.size} users`);
  await formatBroker(libDir, { plaintext, sasl, plain, controller }, passwords);
  const kafkaPid = startBroker(libDir);
  step(`Kafka: started (pid ${kafkaPid}); PostgreSQL: initdb and start from ${pgBinDir}`);
  const plaintextBootstrap = `${HOST}:${plaintext}`;
  const [postgres] = await Promise.all([startPostgres(pgBinDir, pgPort, generatePassword()), waitForBroker(kafkaPid, plaintextBootstrap)]);
  step(`PostgreSQL: ready (pid ${postgres.pid}) on ${HOST}:${postgres.port}; Kafka: answering on ${plaintextBootstrap}`);

  const counts = await provisionKafka(spec, plaintextBootstrap);
  const endpoints: LocalEndpoints = {
    stack,
    kafkaVersion: KAFKA_DIST.kafka,
    saslBootstrap: `${HOST}:${sasl}`,
    plainBootstrap: `${HOST}:${plain}`,
    plaintextBootstrap,
    databaseUrl: postgres.databaseUrl,
    passwords,
  };
  const ports = await writeEnvFiles(spec, endpoints);
  const services = [...ports].map(([name, port]) => `${name} :${port}`).join(', ');
  console.log(
    `local:up ready in ${elapsed()}: Kafka ${KAFKA_DIST.kafka} SASL ${endpoints.saslBootstrap} (SASL/PLAIN ${endpoints.plainBootstrap}, PLAINTEXT ${plaintextBootstrap}), ` +
      `PostgreSQL ${HOST}:${postgres.port}, ${counts.topics} topics, ${spec.users.length} users, ${counts.acls} ACLs → ${LOCAL_PATHS.envFile}; ` +
      `service ports ${services} (npm run service -- <name>)`,
  );
}

/**
 * What this run has done: `checking` touches nothing of its own, `starting`
 * creates data and servers. Only a run that got to `starting` stops anything
 * when it is interrupted or fails, and then only what it started: an
 * environment that was already up stays up.
 */
let phase: 'checking' | 'starting' | 'ready' = 'checking';

/** How the progress lines name the servers `startDetached` labels. */
const SERVER_NAMES: Readonly<Record<string, string>> = { 'Kafka broker': 'Kafka', postgres: 'PostgreSQL' };
let cleaning: Promise<string> | undefined;

/** Stops what this run started; resolves with what that was, for the one line that says so. */
function cleanUp(reason: string): Promise<string> {
  cleaning ??= (async () => {
    // First the commands in flight (initdb, the storage format, mvn), so none starts a server behind the cleanup.
    const commands = await refuseNewProcesses(reason);
    if (phase !== 'starting') return 'nothing had been started';
    // The servers it started first, by pid: PostgreSQL writes its pid file only once it runs, and
    // stopAll removes the data directories, which would end a server still starting unnoticed.
    const byPid = new Map<string, string>();
    for (const server of startedServers()) {
      if (!isAlive(server.pid)) continue;
      const name = SERVER_NAMES[server.label] ?? server.label;
      const { signal, graceMs } = name === 'PostgreSQL' ? POSTGRES_STOP : { signal: 'SIGTERM' as const, graceMs: 10_000 };
      byPid.set(name, `${await stopProcess(server.pid, signal, graceMs)} (pid ${server.pid})`);
    }
    const { kafka, postgres } = await stopAll();
    const outcomes = new Map([['Kafka', kafka], ['PostgreSQL', postgres], ...byPid]);
    const stopped = [...outcomes].map(([name, outcome]) => `${name} ${outcome}`);
    const interruptedCommands = commands.length > 0 ? `, ${commands.join(' and ')} interrupted` : '';
    return `stopped what it had started: ${stopped.join(', ')}${interruptedCommands}; removed its data in ${LOCAL_DIR}`;
  })();
  return cleaning;
}

/** Exit status of a process ended by `signal`, as a shell reports it. */
const SIGNAL_STATUS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
let interruptedBy: NodeJS.Signals | undefined;

/**
 * Ctrl-C, `kill` or a closed terminal: stop what was started, say so on one
 * line, exit. The broker and PostgreSQL run in process groups of their own
 * (they outlive a successful run), so the terminal's SIGINT never reaches
 * them: without this they would keep running until `local:down`.
 */
function onSignal(signal: NodeJS.Signals): void {
  if (interruptedBy !== undefined) {
    console.error(`local:up: ${signal} again while stopping; run npm run local:down to stop whatever is left`);
    process.exit(SIGNAL_STATUS[signal] ?? 1);
  }
  interruptedBy = signal;
  step(`${signal} received: stopping what local:up started`);
  cleanUp(`local:up was interrupted by ${signal}`).then(
    (done) => {
      console.error(`local:up interrupted by ${signal}: ${done}. Run npm run local:up to start again.`);
      process.exit(SIGNAL_STATUS[signal] ?? 1);
    },
    (err: Error) => {
      console.error(`local:up interrupted by ${signal}, but could not stop everything (${err.message}); run npm run local:down`);
      process.exit(1);
    },
  );
}

async function main(): Promise<void> {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  const { stack } = parseUpArgs(process.argv.slice(2));
  const spec = loadPlatform(stack);
  // Throws, touching nothing, when another stack's environment is up.
  if (await alreadyRunning(spec)) return;
  if (runningBrokerPid() !== undefined || runningPostgresPid() !== undefined || existsSync(LOCAL_PATHS.envFile)) {
    step('a previous run is partly up; stopping it first');
    await stopAll();
  }
  // From here on a failure or a signal stops what this run started: the next local:up starts clean.
  phase = 'starting';
  await start(spec);
  phase = 'ready';
}

main().catch(async (err: Error) => {
  // Interrupted: the signal handler stops everything, says so and exits.
  if (interruptedBy !== undefined) return;
  const done = await cleanUp(`local:up failed`).catch(
    (cleanupError: Error) => `could not stop everything it had started (${cleanupError.message}); run npm run local:down`,
  );
  console.error(`local:up failed: ${err.message}`);
  if (phase === 'starting') console.error(`local:up ${done}`);
  process.exit(1);
});
