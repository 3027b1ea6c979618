import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localServiceEnvironment, parseEnvFile } from '../../../services/lib/local-environment.js';

describe('parseEnvFile', () => {
  it('reads KEY=VALUE lines, skipping comments and blanks and removing quotes', () => {
    expect(parseEnvFile('# written by local:up\n\nA=1\nexport B="two words"\n  C = \'x=y\'  \nnot a line\n')).toEqual({
      A: '1',
      B: 'two words',
      C: 'x=y',
    });
  });
});

describe('localServiceEnvironment', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'local-env-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const writeLocal = () => {
    writeFileSync(
      join(dir, 'env'),
      'KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9094\nKAFKA_ADMIN_USERNAME=platform-admin\nDATABASE_URL=postgres://todo:pw@127.0.0.1:5432/todo\n',
    );
    mkdirSync(join(dir, 'users'));
    writeFileSync(join(dir, 'users', 'notification-service.env'), 'KAFKA_USERNAME=notification-service\nKAFKA_PASSWORD=pw\n');
  };

  it('passes the environment through unchanged where local:up has not run (a container)', () => {
    expect(localServiceEnvironment('notification', { PORT: '1' }, dir)).toEqual({ env: { PORT: '1' }, notes: [] });
  });

  it("merges .local/env, the service's user file and the process environment, the latter winning", () => {
    writeLocal();
    const { env, notes } = localServiceEnvironment('notification', { DATABASE_URL: 'postgres://override/db' }, dir);
    expect(env).toMatchObject({
      KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:9094',
      KAFKA_USERNAME: 'notification-service',
      KAFKA_PASSWORD: 'pw',
      DATABASE_URL: 'postgres://override/db',
    });
    expect(notes[0]).toBe(`read ${join(dir, 'env')} and ${join(dir, 'users', 'notification-service.env')}`);
  });

  it('consumes directly when the spec says dapr (no sidecar runs locally) and logs reminders without a webhook', () => {
    writeLocal();
    const { env, notes } = localServiceEnvironment('notification', {}, dir);
    expect([env.KAFKA_MODE, env.NOTIFIER]).toEqual(['kafka', 'log']);
    expect(notes.slice(1)).toEqual([
      'no Dapr sidecar runs locally: KAFKA_MODE=kafka (set KAFKA_MODE=dapr to take deliveries over HTTP)',
      'NOTIFY_WEBHOOK_URL is not set: NOTIFIER=log',
    ]);
  });

  it('keeps an explicit KAFKA_MODE and webhook', () => {
    writeLocal();
    const { env } = localServiceEnvironment('notification', { KAFKA_MODE: 'dapr', NOTIFY_WEBHOOK_URL: 'http://hook' }, dir);
    expect([env.KAFKA_MODE, env.NOTIFIER]).toEqual(['dapr', undefined]);
  });
});
