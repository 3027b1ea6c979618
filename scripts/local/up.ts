/**
 * `npm run local:up [-- --stack <name>]`: a real Apache Kafka 4 broker (KRaft,
 * single node, SCRAM and ACLs) and PostgreSQL on this machine, with the
 * topics, users and ACLs of the stack's spec. Idempotent: when everything is
 * already up it says so and exits 0.
 */
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
import { ensureLocalDir, LOCAL_PATHS, userEnvFile } from './paths.js';
import { generatePassword } from './passwords.js';
import { freePorts } from './ports.js';
import { ensurePostgresBinaries, runningPostgresPid, startPostgres } from './postgres.js';
import { stopAll } from './stop.js';
import { waitUntil } from './processes.js';
import { createTopics, localTopics } from './topics.js';

const HOST = '127.0.0.1';

/** Whether a complete environment for `stack` is up; throws when one for another stack is. */
async function alreadyRunning(stack: string): Promise<boolean> {
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

function writeEnvFiles(spec: PlatformSpec, endpoints: LocalEndpoints): void {
  rmSync(LOCAL_PATHS.usersDir, { recursive: true, force: true });
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
}

/** Starts everything from scratch; the caller cleans up when it throws. */
async function start(spec: PlatformSpec): Promise<void> {
  const stack = spec.stack;
  step(`stack ${stack}: ${spec.topics.length} topics, ${spec.users.length} users`);
  ensureLocalDir();
  const [libDir, pgBinDir] = await Promise.all([ensureKafkaJars(), ensurePostgresBinaries()]);
  const [plaintext, sasl, controller, pgPort] = (await freePorts(4)) as [number, number, number, number];
  const passwords = new Map(spec.users.map((user) => [user.name, generatePassword()]));

  step(`Kafka: formatting a fresh KRaft data directory with SCRAM-SHA-256/512 credentials for ${passwords.size} users`);
  await formatBroker(libDir, { plaintext, sasl, controller }, passwords);
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
    plaintextBootstrap,
    databaseUrl: postgres.databaseUrl,
    passwords,
  };
  writeEnvFiles(spec, endpoints);
  console.log(
    `local:up ready in ${elapsed()}: Kafka ${KAFKA_DIST.kafka} SASL ${endpoints.saslBootstrap} (PLAINTEXT ${plaintextBootstrap}), ` +
      `PostgreSQL ${HOST}:${postgres.port}, ${counts.topics} topics, ${spec.users.length} users, ${counts.acls} ACLs → ${LOCAL_PATHS.envFile}`,
  );
}

async function main(): Promise<void> {
  const { stack } = parseUpArgs(process.argv.slice(2));
  const spec = loadPlatform(stack);
  // Throws, touching nothing, when another stack's environment is up.
  if (await alreadyRunning(stack)) return;
  if (runningBrokerPid() !== undefined || runningPostgresPid() !== undefined || existsSync(LOCAL_PATHS.envFile)) {
    step('a previous run is partly up; stopping it first');
    await stopAll();
  }
  try {
    await start(spec);
  } catch (err) {
    // Leave nothing half-started behind: the next local:up starts clean.
    await stopAll().catch(() => undefined);
    throw err;
  }
}

main().catch((err: Error) => {
  console.error(`local:up failed: ${err.message}`);
  process.exit(1);
});
