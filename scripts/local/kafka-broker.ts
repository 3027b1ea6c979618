/**
 * Formats, starts, probes and stops the local Kafka broker. The storage is
 * formatted fresh on every start, with the SCRAM credentials of every user
 * (and the configuration with their PLAIN passwords), so no credential exists
 * before the broker and none survives it.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Admin } from '@platformatic/kafka';
import { LocalEnvError } from './errors.js';
import { brokerLog4jConfig, brokerProperties, clusterId, renderProperties, SCRAM_MECHANISMS, type BrokerPorts } from './kafka-config.js';
import { LOCAL_PATHS, type KafkaPaths } from './paths.js';
import { isAlive, isOurProcess, readPidFile, run, startDetached, stopProcess, tail, waitUntil } from './processes.js';

/** Marker in the broker's command line, to tell our JVM from a recycled pid. */
const MAIN_CLASS = 'kafka.Kafka';

/**
 * Heap of the broker JVM: enough for the handful of small topics here.
 * @default -Xmx512m
 */
export const BROKER_JVM_OPTIONS = ['-Xms256m', '-Xmx512m', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-Djava.awt.headless=true'];

/** How long a cold JVM on a busy 2-core machine may take to answer. @default 120 s */
export const BROKER_START_TIMEOUT_MS = 120_000;

function javaArgs(libDir: string, log4j: string, mainClass: string, args: string[], jvm: string[] = []): string[] {
  return [...jvm, '-cp', join(libDir, '*'), `-Dlog4j2.configurationFile=file:${log4j}`, mainClass, ...args];
}

/** `--add-scram` arguments: one per user and mechanism (the tool takes no list). */
export function scramArguments(credentials: ReadonlyMap<string, string>): string[] {
  const args: string[] = [];
  for (const [name, password] of credentials) {
    if (!/^[A-Za-z0-9]+$/.test(password)) {
      throw new LocalEnvError('LOCAL_BAD_PASSWORD', `password of ${name} must be alphanumeric: --add-scram splits on commas and brackets`);
    }
    for (const mechanism of SCRAM_MECHANISMS) args.push('--add-scram', `${mechanism}=[name=${name},password=${password}]`);
  }
  return args;
}

/**
 * Writes the configuration and formats a fresh data directory with the given
 * users: SCRAM credentials in the metadata log, and the same passwords in the
 * SASL/PLAIN listener's JAAS line (so the configuration is mode 0600).
 * @param paths where the broker lives. @default the local environment's (`LOCAL_PATHS.kafka`)
 */
export async function formatBroker(
  libDir: string,
  ports: BrokerPorts,
  credentials: ReadonlyMap<string, string>,
  paths: KafkaPaths = LOCAL_PATHS.kafka,
): Promise<void> {
  rmSync(paths.dir, { recursive: true, force: true });
  // 0700: the data directory holds the SCRAM credentials (salted, but still).
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  mkdirSync(paths.dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(paths.config, renderProperties(brokerProperties({ ports, dataDir: paths.dataDir, plainUsers: credentials })), {
    mode: 0o600,
  });
  writeFileSync(paths.log4j, brokerLog4jConfig());
  const args = ['format', '--cluster-id', clusterId(randomBytes), '--config', paths.config, '--standalone', ...scramArguments(credentials)];
  // The label hides the arguments: they carry passwords.
  await run('java', javaArgs(libDir, paths.log4j, 'kafka.tools.StorageTool', args), { label: 'kafka-storage format' });
}

/** Starts the formatted broker in the background (again, after a stop, on the same data); returns its pid. */
export function startBroker(libDir: string, paths: KafkaPaths = LOCAL_PATHS.kafka): number {
  return startDetached('java', javaArgs(libDir, paths.log4j, MAIN_CLASS, [paths.config], BROKER_JVM_OPTIONS), {
    logFile: paths.log,
    pidFile: paths.pid,
    label: 'Kafka broker',
  });
}

function logTail(log: string): string {
  try {
    return tail(readFileSync(log, 'utf8'), 40);
  } catch {
    return '(no log yet)';
  }
}

/** Whether the broker at `bootstrap` answers a metadata request now. */
export async function brokerAnswers(bootstrap: string): Promise<boolean> {
  const admin = new Admin({ clientId: 'local-probe', bootstrapBrokers: [bootstrap], retries: 0, connectTimeout: 2000, timeout: 5000 });
  try {
    const metadata = await admin.metadata({ topics: [] });
    return metadata.brokers.size > 0;
  } catch {
    return false;
  } finally {
    await admin.close().catch(() => undefined);
  }
}

/** Waits until the broker answers on its PLAINTEXT listener; fails early if its process dies. */
export async function waitForBroker(pid: number, bootstrap: string, paths: KafkaPaths = LOCAL_PATHS.kafka): Promise<void> {
  await waitUntil(async () => ((await brokerAnswers(bootstrap)) ? true : undefined), {
    timeoutMs: BROKER_START_TIMEOUT_MS,
    code: 'LOCAL_KAFKA_NOT_READY',
    abort: () => (isAlive(pid) ? undefined : `the broker process ${pid} exited`),
    describe: (reason) => `Kafka did not become ready at ${bootstrap}: ${reason}. Last lines of ${paths.log}:\n${logTail(paths.log)}`,
  });
}

/** The pid of our running broker, if any. */
export function runningBrokerPid(paths: KafkaPaths = LOCAL_PATHS.kafka): number | undefined {
  const pid = readPidFile(paths.pid);
  return pid !== undefined && isOurProcess(pid, MAIN_CLASS) ? pid : undefined;
}

/** Stops the broker (SIGTERM lets it close its logs cleanly, then SIGKILL) and removes its directory. */
export async function stopBroker(paths: KafkaPaths = LOCAL_PATHS.kafka): Promise<string> {
  const pid = runningBrokerPid(paths);
  const outcome = pid === undefined ? 'not running' : `${await stopProcess(pid, 'SIGTERM', 30_000)} (pid ${pid})`;
  rmSync(paths.dir, { recursive: true, force: true });
  return outcome;
}
