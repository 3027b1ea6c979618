import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localDir, localServiceEnvironment } from '../../services/lib/local-environment.js';
import { LOCAL_SERVICE_PORT_BASE, localServicePorts, serviceEnvVars } from '../../scripts/local/service-env.js';

describe('the ports local:up gives the services', () => {
  it('are consecutive from 8081 in the spec order, so no two services share 8080', async () => {
    const ports = await localServicePorts(['audit', 'notification', 'recurring-task', 'websocket'], async () => true);
    expect([...ports]).toEqual([
      ['audit', 8081],
      ['notification', 8082],
      ['recurring-task', 8083],
      ['websocket', 8084],
    ]);
    expect(LOCAL_SERVICE_PORT_BASE).toBe(8081);
  });

  it('replace a port that is taken with a free one, never one given to another service', async () => {
    const ports = await localServicePorts(['audit', 'notification'], async (port) => port !== 8082);
    expect(ports.get('audit')).toBe(8081);
    expect(ports.get('notification')).not.toBe(8082);
    expect(ports.get('notification')).not.toBe(8081);
  });
});

describe("a service's own file", () => {
  it('holds its PORT, and for websocket a token key of 32 or more bytes', () => {
    expect(serviceEnvVars('audit', 8081)).toEqual({ PORT: '8081' });
    const websocket = serviceEnvVars('websocket', 8084);
    expect(websocket.PORT).toBe('8084');
    expect(websocket.WEBSOCKET_TOKEN_SECRET).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(serviceEnvVars('websocket', 8084).WEBSOCKET_TOKEN_SECRET).not.toBe(websocket.WEBSOCKET_TOKEN_SECRET);
  });

  it('is read by npm run service after the shared and user files, the process environment winning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'service-env-'));
    try {
      writeFileSync(join(dir, 'env'), 'KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9094\n');
      mkdirSync(join(dir, 'services'));
      writeFileSync(join(dir, 'services', 'websocket.env'), 'PORT=8084\nWEBSOCKET_TOKEN_SECRET=abc\n');
      const { env, notes } = localServiceEnvironment('websocket', { WEBSOCKET_TOKEN_SECRET: 'from-shell' }, dir);
      expect([env.PORT, env.WEBSOCKET_TOKEN_SECRET, env.KAFKA_BOOTSTRAP_SERVERS]).toEqual(['8084', 'from-shell', '127.0.0.1:9094']);
      expect(notes[0]).toBe(`read ${join(dir, 'env')} and ${join(dir, 'services', 'websocket.env')}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the folder of the local environment', () => {
  it('is .local in the working directory unless TODO_EVENTS_LOCAL_DIR names another', () => {
    expect(localDir({}, '/repo')).toBe('/repo/.local');
    expect(localDir({ TODO_EVENTS_LOCAL_DIR: '/tmp/second/.local' }, '/repo')).toBe('/tmp/second/.local');
    expect(localDir({ TODO_EVENTS_LOCAL_DIR: 'other' }, '/repo')).toBe('/repo/other');
  });
});
