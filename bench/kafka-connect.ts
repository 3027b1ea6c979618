/**
 * The audit service's peer: Apache Kafka Connect in standalone mode with the
 * Debezium JDBC sink connector, the way a platform engineer who does not run
 * our audit service would put task events into PostgreSQL, on the same broker
 * and database in the same bench run.
 *
 * What it gets, all of its own and removed afterwards:
 * - a topic (3 partitions, like `task-events`) holding the same events, each
 *   value wrapped in the JSON converter's schema envelope (`schemas.enable`:
 *   the connector needs a schema to map fields onto columns), so its records
 *   are about twice the audit service's bytes;
 * - a SCRAM user (created through the admin API, as `pulumi up` does) with
 *   ACLs for that topic and its consumer group only, which the worker's
 *   consumer logs in as (`consumer.sasl.*`);
 * - a table `LIKE audit_events INCLUDING ALL` (same columns, identity,
 *   defaults, unique `event_id` and indexes), written with `insert.mode=upsert`
 *   on `event_id` (`ON CONFLICT (event_id) DO UPDATE`: a replay writes nothing
 *   twice), the Kafka coordinates added by Connect's `InsertField` transform.
 *
 * The worker runs with the connector's defaults otherwise (one task, batches
 * of 500) and commits offsets every 100 ms, so its progress is read from its
 * committed offsets exactly as the audit service's (`groupRate`).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Admin, AclOperations, AclPermissionTypes, ResourcePatternTypes, ResourceTypes, type Acl } from '@platformatic/kafka';
import pg from 'pg';
import { scramCredentialProvider, SCRAM_CREDENTIAL_DEFAULTS, type ScramCredentialInputs } from '../infra/scram-credential-provider.js';
import { AUDIT_TABLE } from '../services/audit/schema.js';
import { KafkaEventPublisher } from '../services/lib/kafka-publisher.js';
import { ensureConnectDist } from '../scripts/local/connect-dist.js';
import { kafkaLog4jConfig } from '../scripts/local/kafka-config.js';
import { freePorts } from '../scripts/local/ports.js';
import { readLocalEnv } from '../test/support/local-env.js';
import { BENCH_PARTITIONS, benchEvent, type RunId } from './bench-events.js';
import { checkpoint } from './postgres-checkpoint.js';
import { processMemoryMiB } from './service-process.js';
import { progress, sleep } from './stats.js';
import { groupRate, produceBlock } from './topic-block.js';

export interface KafkaConnectOptions {
  /** Longest the worker may take to start and work through the events, in seconds. @default 300 */
  readonly timeoutSeconds: number;
  /** Java heap of the worker (connect-standalone.sh's default). @default '-Xms256M -Xmx2G' */
  readonly heap: string;
}

export const KAFKA_CONNECT_DEFAULTS: KafkaConnectOptions = { timeoutSeconds: 300, heap: '-Xms256M -Xmx2G' };

export interface KafkaConnectResult {
  /** Records per second, from the worker's committed offsets. */
  readonly rate: number;
  /** Rows found in its table afterwards (should equal the events). */
  readonly rowsWritten: number;
  /** Peak resident memory of the JVM, MiB. */
  readonly peakRssMiB: number;
  /** Average bytes of one record value (the schema envelope included). */
  readonly recordBytes: number;
}

/** The JSON converter's schema of the record value: the audit columns with Debezium's semantic types. */
export const AUDIT_RECORD_SCHEMA = {
  type: 'struct',
  name: 'todo.audit_event',
  optional: false,
  fields: [
    { field: 'event_id', type: 'string', optional: false, name: 'io.debezium.data.Uuid' },
    { field: 'event_type', type: 'string', optional: false },
    { field: 'user_id', type: 'string', optional: false },
    { field: 'task_id', type: 'int64', optional: false },
    { field: 'occurred_at', type: 'string', optional: false, name: 'io.debezium.time.ZonedTimestamp' },
    { field: 'payload', type: 'string', optional: false, name: 'io.debezium.data.Json' },
  ],
} as const;

/** Event `i` as the peer's record value: `{"schema": …, "payload": {…, "payload": "<the event's JSON>"}}`. */
export function connectRecordValue(run: RunId, i: number, at: number): string {
  const event = benchEvent(run, i, at);
  return JSON.stringify({
    schema: AUDIT_RECORD_SCHEMA,
    payload: {
      event_id: event.event_id,
      event_type: event.event_type,
      user_id: event.user_id,
      task_id: event.task_id,
      occurred_at: event.timestamp,
      payload: JSON.stringify(event),
    },
  });
}

/** `key=value` lines of a Java properties file (values here need no escaping but `$`-free JAAS quotes). */
function properties(entries: Record<string, string | number>): string {
  return `${Object.entries(entries)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

const LOG4J = kafkaLog4jConfig();

interface Peer {
  readonly run: RunId;
  readonly topic: string;
  readonly user: string;
  readonly password: string;
  readonly connector: string;
  readonly group: string;
  readonly table: string;
  readonly dir: string;
}

function aclsOf(peer: Peer): Acl[] {
  const allow = (resourceType: Acl['resourceType'], resourceName: string, operation: Acl['operation']): Acl => ({
    resourceType,
    resourceName,
    resourcePatternType: ResourcePatternTypes.LITERAL,
    principal: `User:${peer.user}`,
    host: '*',
    operation,
    permissionType: AclPermissionTypes.ALLOW,
  });
  return [
    allow(ResourceTypes.TOPIC, peer.topic, AclOperations.READ),
    allow(ResourceTypes.TOPIC, peer.topic, AclOperations.DESCRIBE),
    allow(ResourceTypes.GROUP, peer.group, AclOperations.READ),
  ];
}

function credentialInputs(peer: Peer): ScramCredentialInputs {
  const local = readLocalEnv();
  return {
    bootstrapServers: [local.bootstrapServers],
    adminUsername: local.admin.username,
    adminPassword: local.admin.password,
    tls: false,
    saslMechanism: local.saslMechanism,
    username: peer.user,
    scramMechanism: local.saslMechanism,
    password: peer.password,
    iterations: SCRAM_CREDENTIAL_DEFAULTS.iterations,
  };
}

/** The worker's and the connector's properties. */
export function connectProperties(
  peer: Peer,
  pluginPath: string,
  restPort: number,
): { worker: Record<string, string | number>; connector: Record<string, string | number> } {
  const local = readLocalEnv();
  const jaas = `org.apache.kafka.common.security.scram.ScramLoginModule required username="${peer.user}" password="${peer.password}";`;
  const sasl = { 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': local.saslMechanism, 'sasl.jaas.config': jaas };
  const db = new URL(local.databaseUrl);
  return {
    worker: {
      'bootstrap.servers': local.bootstrapServers,
      // The worker's own admin client (the cluster id) and the sink task's consumer log in as the peer's user.
      ...sasl,
      ...Object.fromEntries(Object.entries(sasl).map(([key, value]) => [`consumer.${key}`, value])),
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'true',
      'offset.storage.file.filename': join(peer.dir, 'connect.offsets'),
      'offset.flush.interval.ms': 100,
      'plugin.path': pluginPath,
      listeners: `http://127.0.0.1:${restPort}`,
    },
    connector: {
      name: peer.connector,
      'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector',
      'tasks.max': 1,
      topics: peer.topic,
      'connection.url': `jdbc:postgresql://${db.hostname}:${db.port}${db.pathname}`,
      'connection.username': decodeURIComponent(db.username),
      'connection.password': decodeURIComponent(db.password),
      'insert.mode': 'upsert',
      'primary.key.mode': 'record_value',
      'primary.key.fields': 'event_id',
      'schema.evolution': 'none',
      'quote.identifiers': 'true',
      'collection.name.format': peer.table,
      transforms: 'coordinates',
      'transforms.coordinates.type': 'org.apache.kafka.connect.transforms.InsertField$Value',
      'transforms.coordinates.topic.field': 'topic',
      'transforms.coordinates.partition.field': 'partition',
      'transforms.coordinates.offset.field': 'offset',
    },
  };
}

/** Produces the `events` events of `run` in the envelope, keyed by user, as the admin; returns the mean value size. */
async function produce(peer: Peer, events: number, at: number): Promise<number> {
  const local = readLocalEnv();
  const producer = new KafkaEventPublisher(
    {
      bootstrapServers: [local.bootstrapServers],
      securityProtocol: 'SASL_PLAINTEXT',
      saslMechanism: local.saslMechanism,
      username: local.admin.username,
      password: local.admin.password,
    },
    `bench-connect-producer-${peer.run}`,
  );
  let bytes = 0;
  try {
    for (let next = 0; next < events;) {
      const requests: Promise<unknown>[] = [];
      for (let r = 0; r < 4 && next < events; r++) {
        const count = Math.min(500, events - next);
        const records = Array.from({ length: count }, (_, k) => {
          const value = connectRecordValue(peer.run, next + k, at);
          bytes += value.length;
          return { topic: peer.topic, key: benchEvent(peer.run, next + k, at).user_id, value };
        });
        requests.push(producer.sendRaw(records));
        next += count;
      }
      await Promise.all(requests);
    }
  } finally {
    await producer.close();
  }
  return bytes / events;
}

function startWorker(peer: Peer, libs: string, heap: string, files: { worker: string; connector: string; log4j: string }): ChildProcess {
  const log = openSync(join(peer.dir, 'connect.log'), 'a');
  return spawn(
    'java',
    [
      ...heap.split(/\s+/).filter(Boolean),
      '-XX:+UseG1GC',
      `-Dlog4j2.configurationFile=${files.log4j}`,
      '-cp',
      `${libs}/*`,
      'org.apache.kafka.connect.cli.ConnectStandalone',
      files.worker,
      files.connector,
    ],
    { stdio: ['ignore', log, log] },
  );
}

async function stopWorker(worker: ChildProcess): Promise<void> {
  if (worker.exitCode !== null || worker.signalCode !== null) return;
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  worker.kill('SIGTERM');
  const timer = setTimeout(() => worker.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Runs the peer over `events` events of `run` (the ones the audit service
 * got, `at` their start time) and cleans up everything it created.
 */
export async function measureKafkaConnect(
  run: RunId,
  events: number,
  at: number,
  options: KafkaConnectOptions = KAFKA_CONNECT_DEFAULTS,
): Promise<KafkaConnectResult> {
  const dist = await ensureConnectDist();
  const local = readLocalEnv();
  const connector = `bench-audit-sink-${run}`;
  const peer: Peer = {
    run,
    topic: `bench-connect-${run}`,
    user: `bench-connect-${run}`,
    password: randomBytes(18).toString('hex'),
    connector,
    // A sink connector's consumer group is `connect-<connector name>`.
    group: `connect-${connector}`,
    table: `bench_connect_audit_${run}`,
    dir: join(process.cwd(), '.local', 'bench', `connect-${run}`),
  };
  mkdirSync(peer.dir, { recursive: true });
  const admin = new Admin({ clientId: `bench-connect-${run}`, bootstrapBrokers: [local.plaintextBootstrapServers] });
  const db = new pg.Client({ connectionString: local.databaseUrl, application_name: 'bench-kafka-connect' });
  await db.connect();
  let worker: ChildProcess | undefined;
  let credential = false;
  let acls = false;
  let topic = false;
  let table = false;
  try {
    await admin.createTopics({ topics: [peer.topic], partitions: BENCH_PARTITIONS, replicas: 1 });
    topic = true;
    await scramCredentialProvider.create!(credentialInputs(peer));
    credential = true;
    await admin.createAcls({ creations: aclsOf(peer) });
    acls = true;
    await db.query(`CREATE TABLE ${peer.table} (LIKE ${AUDIT_TABLE} INCLUDING ALL)`);
    table = true;

    progress(`kafka connect: producing ${events} events with the JSON converter's schema envelope to ${peer.topic}`);
    let recordBytes = 0;
    const block = await produceBlock(peer.topic, async () => {
      recordBytes = await produce(peer, events, at);
    });

    const [restPort] = await freePorts(1);
    const props = connectProperties(peer, dist.pluginPath, restPort!);
    const files = {
      worker: join(peer.dir, 'worker.properties'),
      connector: join(peer.dir, 'connector.properties'),
      log4j: join(peer.dir, 'log4j2.properties'),
    };
    writeFileSync(files.worker, properties(props.worker), { mode: 0o600 });
    writeFileSync(files.connector, properties(props.connector), { mode: 0o600 });
    writeFileSync(files.log4j, LOG4J);
    progress(`kafka connect: standalone worker with the Debezium JDBC sink (log: ${join(peer.dir, 'connect.log')})`);
    // Like the audit and the COPY, it starts writing with every dirty page written.
    await checkpoint(readLocalEnv().databaseUrl);
    worker = startWorker(peer, dist.libs, options.heap, files);
    const pid = worker.pid!;
    const exited = new Promise<never>((_, reject) =>
      worker!.once('exit', (code) =>
        reject(new Error(`the Kafka Connect worker exited with ${code}; see ${join(peer.dir, 'connect.log')}`)),
      ),
    );
    exited.catch(() => {});
    const { rate } = await Promise.race([
      groupRate(peer.group, block, options.timeoutSeconds * 1000, () => ({ at: performance.now(), cpuSeconds: 0 })),
      exited,
    ]);
    const peakRssMiB = processMemoryMiB(pid).peakRss;
    // The last commit may trail the last write by one flush interval; the rows are what counts.
    await sleep(200);
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${peer.table}`);
    return { rate, rowsWritten: rows[0]!.n, peakRssMiB, recordBytes };
  } finally {
    if (worker) await stopWorker(worker);
    if (table) await db.query(`DROP TABLE ${peer.table}`).catch(() => {});
    if (acls) await admin.deleteAcls({ filters: aclsOf(peer) }).catch(() => {});
    if (credential) await scramCredentialProvider.delete!(peer.user, credentialInputs(peer)).catch(() => {});
    if (topic) await admin.deleteTopics({ topics: [peer.topic] }).catch(() => {});
    if (worker) await admin.deleteGroups({ groups: [peer.group] }).catch(() => {});
    await admin.close().catch(() => {});
    await db.end().catch(() => {});
    if (process.env.BENCH_KEEP_CONNECT_DIR !== '1') rmSync(peer.dir, { recursive: true, force: true });
  }
}
