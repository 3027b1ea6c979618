/** Stopping everything `local:up` started; used by `local:down` and by a failed or partial `local:up`. */
import { rmSync } from 'node:fs';
import { stopBroker } from './kafka-broker.js';
import { LOCAL_PATHS } from './paths.js';
import { stopPostgres } from './postgres.js';

/** Stops Kafka and PostgreSQL by pid, removes their data and the env files. Safe when nothing runs. */
export async function stopAll(): Promise<{ kafka: string; postgres: string }> {
  // The env file goes first: while it exists, tests take the environment as usable.
  rmSync(LOCAL_PATHS.envFile, { force: true });
  rmSync(LOCAL_PATHS.usersDir, { recursive: true, force: true });
  rmSync(LOCAL_PATHS.servicesDir, { recursive: true, force: true });
  const [kafka, postgres] = await Promise.all([stopBroker(), stopPostgres()]);
  return { kafka, postgres };
}
