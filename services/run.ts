/**
 * `npm run service -- <name>`: starts one event service.
 *
 * Settings come from the environment; on a developer machine they are
 * completed from the files `npm run local:up` writes (see
 * `localServiceEnvironment`). In the container image the same entry runs as
 * `node build/services/run.js <name>`.
 */
import '../platform/require-node.cjs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_ENV } from '../platform/index.js';
import { closest } from '../platform/suggest.js';
import {
  createLogger,
  localDir,
  localServiceEnvironment,
  platformDefaults,
  runService,
  serviceEnvFile,
  ServiceConfigError,
  type Env,
  type ServiceDefinition,
} from './lib/index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each service narrows the event type itself
type AnyDefinition = ServiceDefinition<any, any>;

/** Each service's definition, loaded on demand so a process only loads its own code. */
const SERVICES: Record<string, () => Promise<AnyDefinition>> = {
  audit: async () => (await import('./audit/index.js')).auditService,
  notification: async () => (await import('./notification/index.js')).notificationService(),
  'recurring-task': async () => (await import('./recurring-task/service.js')).recurringTaskService,
  websocket: async () => (await import('./websocket/service.js')).websocketService,
};

const name = process.argv[2] ?? process.env[SERVICE_ENV.serviceName];
const log = createLogger({ bindings: { service: name ?? '(none)' } });
const known = platformDefaults().services.map((s) => s.name);
const usage = `npm run service -- <${known.join('|')}>`;

/**
 * Whether a person started this (`npm run service`, or a terminal): a failure
 * to start is then plain text with the fix on its first line. In a container
 * it is one JSON log line, like everything else the service writes; once a
 * service runs, its logs are JSON lines either way.
 */
const forPeople = process.env.npm_lifecycle_event !== undefined || process.stderr.isTTY === true;

function fail(status: number, lines: readonly string[], fields: Record<string, unknown> = {}): never {
  if (forPeople) process.stderr.write(`${lines.join('\n')}\n`);
  else log.error(fields, lines.join('\n'));
  process.exit(status);
}

/** What to tell a person whose service cannot read its settings: the fix first, then every problem. */
function configFailure(service: string, err: ServiceConfigError, env: Env, dir: string): string[] {
  const problems = err.problems.map((p) => `  - ${p}`);
  if (!existsSync(join(dir, 'env')) && !env[SERVICE_ENV.bootstrapServers]) {
    return [
      `${join(dir, 'env')} does not exist: run \`npm run local:up\` first, then \`npm run service -- ${service}\` again (or set the variables below yourself)`,
      ...problems,
    ];
  }
  const own = serviceEnvFile(dir, service);
  if (existsSync(join(dir, 'env')) && !existsSync(own)) {
    return [
      `${own} does not exist: run \`npm run local:up\` again to write it (the environment keeps running), then \`npm run service -- ${service}\` again`,
      ...problems,
    ];
  }
  return [
    `service ${service} cannot start: fix these settings (environment variables, or the files in ${dir}), then run it again`,
    ...problems,
  ];
}

if (name === undefined) fail(2, [`name the service to start: run ${usage}`], { known });
const load = SERVICES[name];
if (load === undefined) {
  const guess = closest(name, known);
  const fix = guess ? `did you mean \`npm run service -- ${guess}\`?` : `run ${usage}`;
  fail(2, [`unknown service ${JSON.stringify(name)}: ${fix}`], { known });
}
const dir = localDir();
const { env, notes } = localServiceEnvironment(name);
try {
  for (const note of notes) log.info(note);
  await runService(await load(), { env, handleSignals: true });
} catch (err) {
  if (err instanceof ServiceConfigError) fail(1, configFailure(name, err, env, dir), { err });
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    const port = env[SERVICE_ENV.port] ?? '8080';
    fail(1, [
      `port ${port} is in use (another service?): stop what listens there, or start this one on a free port: ${SERVICE_ENV.port}=0 npm run service -- ${name}`,
    ]);
  }
  log.error({ err }, 'service failed to start');
  process.exit(1);
}
