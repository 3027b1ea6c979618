/** The `.local/env` contract and the env file format (no broker needed). */
import { loadPlatform } from '../../platform/index.js';
import { localEnvVars, userEnvVars, type LocalEndpoints } from '../../scripts/local/env-contract.js';
import { parseEnvFile, renderEnvFile } from '../../scripts/local/env-files.js';
import { generatePassword } from '../../scripts/local/passwords.js';
import { kafkaClientConfig } from '../support/local-env.js';

const spec = loadPlatform('dev');
const endpoints: LocalEndpoints = {
  stack: 'dev',
  kafkaVersion: '4.4.0',
  saslBootstrap: '127.0.0.1:40001',
  plainBootstrap: '127.0.0.1:40004',
  plaintextBootstrap: '127.0.0.1:40002',
  databaseUrl: 'postgres://todo:pw@127.0.0.1:40003/todo',
  passwords: new Map(spec.users.map((u) => [u.name, `pw${u.name.replace(/-/g, '')}`])),
};

describe('.local/env', () => {
  it('holds the SASL and PLAINTEXT addresses, protocol, mechanism, admin credentials and DATABASE_URL', () => {
    expect(localEnvVars(spec, endpoints)).toEqual({
      KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:40001',
      KAFKA_PLAINTEXT_BOOTSTRAP_SERVERS: '127.0.0.1:40002',
      KAFKA_PLAIN_BOOTSTRAP_SERVERS: '127.0.0.1:40004',
      KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_ADMIN_USERNAME: 'platform-admin',
      KAFKA_ADMIN_PASSWORD: 'pwplatformadmin',
      DATABASE_URL: 'postgres://todo:pw@127.0.0.1:40003/todo',
      LOCAL_STACK: 'dev',
      LOCAL_KAFKA_VERSION: '4.4.0',
    });
  });

  it("gives each user the specification's five variables", () => {
    expect(userEnvVars(spec, endpoints, 'audit-service')).toEqual({
      KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:40001',
      KAFKA_USERNAME: 'audit-service',
      KAFKA_PASSWORD: 'pwauditservice',
      KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
    });
  });

  it('uses the stack mechanism: SCRAM-SHA-256 for prod', () => {
    const prod = loadPlatform('prod');
    const vars = localEnvVars(prod, { ...endpoints, passwords: new Map(prod.users.map((u) => [u.name, 'x'])) });
    expect(vars.KAFKA_SASL_MECHANISM).toBe('SCRAM-SHA-256');
  });

  it('points the users of a PLAIN stack (confluent) at the PLAIN listener, and keeps the admin on SCRAM', () => {
    const confluent = loadPlatform('confluent');
    const local = { ...endpoints, passwords: new Map(confluent.users.map((u) => [u.name, 'x'])) };
    expect(userEnvVars(confluent, local, 'audit-service')).toEqual({
      KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:40004',
      KAFKA_USERNAME: 'audit-service',
      KAFKA_PASSWORD: 'x',
      KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
      KAFKA_SASL_MECHANISM: 'PLAIN',
    });
    expect(localEnvVars(confluent, local)).toMatchObject({
      KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:40001',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
    });
  });
});

describe('env file format', () => {
  it('round-trips through render and parse', () => {
    const vars = { A: '1', DATABASE_URL: 'postgres://u:p@127.0.0.1:5/db', KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512' };
    expect(parseEnvFile(renderEnvFile('comment', vars))).toEqual(vars);
  });

  it('parses comments, blank lines, export and quotes as a shell would', () => {
    expect(parseEnvFile('# c\n\nexport A=1\nB="two words"\nC=\'x\'\nnot a line\n')).toEqual({ A: '1', B: 'two words', C: 'x' });
  });

  it('refuses a value that would need quoting', () => {
    expect(() => renderEnvFile('c', { A: 'two words' })).toThrow('value of A needs quoting, which these files do not use');
  });
});

describe('generatePassword', () => {
  it('is 24 alphanumeric characters and differs each time', () => {
    const [a, b] = [generatePassword(), generatePassword()];
    expect(a).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(a).not.toBe(b);
  });
});

describe('kafkaClientConfig', () => {
  it('builds @platformatic/kafka bootstrapBrokers and sasl from a user env', () => {
    const user = {
      bootstrapServers: '127.0.0.1:1,127.0.0.1:2',
      username: 'u',
      password: 'p',
      securityProtocol: 'SASL_PLAINTEXT',
      saslMechanism: 'SCRAM-SHA-512' as const,
      vars: {},
    };
    expect(kafkaClientConfig(user, 'id')).toEqual({
      clientId: 'id',
      bootstrapBrokers: ['127.0.0.1:1', '127.0.0.1:2'],
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p' },
    });
  });
});
