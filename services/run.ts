/**
 * `npm run service -- <name>`: starts one event service.
 *
 * Settings come from the environment; on a developer machine they are
 * completed from the files `npm run local:up` writes (see
 * `localServiceEnvironment`). In the container image the same entry runs as
 * `node build/services/run.js <name>`.
 */
import { SERVICE_ENV } from '../platform/index.js';
import { createLogger, localServiceEnvironment, platformDefaults, runService, type ServiceDefinition } from './lib/index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each service narrows the event type itself
type AnyDefinition = ServiceDefinition<any>;

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
const load = name === undefined ? undefined : SERVICES[name];
if (name === undefined || load === undefined) {
  log.error({ known }, `usage: npm run service -- <${known.join('|')}>${name ? `; got ${JSON.stringify(name)}` : ''}`);
  process.exit(2);
}
try {
  const { env, notes } = localServiceEnvironment(name);
  for (const note of notes) log.info(note);
  await runService(await load(), { env, handleSignals: true });
} catch (err) {
  log.error({ err }, 'service failed to start');
  process.exit(1);
}
