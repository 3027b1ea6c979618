/**
 * Each service's own settings on this machine, `.local/services/<name>.env`:
 * a port of its own, so the four services run side by side (in Kubernetes
 * each pod has 8080 to itself), and the websocket service's token key, which
 * `npm run mint-token` and `npm run ws-client` sign with too.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { SERVICE_ENV, type PlatformSpec } from '../../platform/index.js';
import { WEBSOCKET_TOKEN_ENV, WEBSOCKET_SERVICE } from '../../platform/websocket-token.js';
import { writeEnvFile } from './env-files.js';
import { generatePassword } from './passwords.js';
import { serviceEnvFile } from './paths.js';
import { freePorts } from './ports.js';

/**
 * First local service port: the services get consecutive ports from here in
 * the spec's order (audit 8081, notification 8082, recurring-task 8083,
 * websocket 8084), leaving 8080, the port of every pod, to whatever else
 * runs on this machine. A port that is taken is replaced by a free one.
 * @default 8081
 */
export const LOCAL_SERVICE_PORT_BASE = 8081;

/** Characters of the local websocket token key (alphanumeric, about 285 bits; the service needs 32 bytes or more). @default 48 */
export const LOCAL_TOKEN_KEY_LENGTH = 48;

/** Whether nothing listens on `port` (any address), checked by binding it for a moment. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    // The services listen on every address; so does this probe.
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

/** One port per service, preferring `LOCAL_SERVICE_PORT_BASE + index`. */
export async function localServicePorts(services: readonly string[], isFree = portIsFree): Promise<Map<string, number>> {
  const ports = new Map<string, number>();
  for (const [index, name] of services.entries()) {
    const preferred = LOCAL_SERVICE_PORT_BASE + index;
    let port = preferred;
    if (!(await isFree(preferred))) {
      const taken = new Set(ports.values());
      do port = (await freePorts(1))[0]!;
      while (taken.has(port));
    }
    ports.set(name, port);
  }
  return ports;
}

/** Variables of one service's file. */
export function serviceEnvVars(
  name: string,
  port: number,
  tokenKey: () => string = () => generatePassword(LOCAL_TOKEN_KEY_LENGTH),
): Record<string, string> {
  return {
    [SERVICE_ENV.port]: String(port),
    ...(name === WEBSOCKET_SERVICE ? { [WEBSOCKET_TOKEN_ENV]: tokenKey() } : {}),
  };
}

/**
 * Writes `.local/services/<name>.env` for every service of the spec; returns the ports given.
 * @param onlyMissing leave the files that exist alone (an environment started before these files existed)
 */
export async function writeServiceEnvFiles(spec: PlatformSpec, onlyMissing = false): Promise<Map<string, number>> {
  const names = spec.services.map((s) => s.name);
  const ports = await localServicePorts(names);
  for (const name of names) {
    if (onlyMissing && existsSync(serviceEnvFile(name))) continue;
    writeEnvFile(
      serviceEnvFile(name),
      `Settings of the ${name} service on this machine (npm run service -- ${name}); written by npm run local:up`,
      serviceEnvVars(name, ports.get(name)!),
    );
  }
  return ports;
}
