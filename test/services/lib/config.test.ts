import { hostname } from 'node:os';
import { describeConfig, loadServiceConfig } from '../../../services/lib/config.js';
import { ServiceConfigError } from '../../../services/lib/errors.js';

const broker = {
  KAFKA_BOOTSTRAP_SERVERS: 'broker-0:9093, broker-1:9093',
  KAFKA_USERNAME: 'audit-service',
  KAFKA_PASSWORD: 's3cret',
  DATABASE_URL: 'postgres://audit:pw@db:5432/todo',
};

describe('loadServiceConfig', () => {
  it('fills what the environment leaves out from the service entry of the platform spec', () => {
    const config = loadServiceConfig('audit', broker);
    expect(config).toEqual({
      name: 'audit',
      appId: 'audit-service',
      mode: 'kafka',
      kafka: {
        bootstrapServers: ['broker-0:9093', 'broker-1:9093'],
        securityProtocol: 'SASL_PLAINTEXT',
        saslMechanism: 'SCRAM-SHA-512',
        username: 'audit-service',
        password: 's3cret',
      },
      consumerGroup: 'audit-service',
      startFrom: 'earliest',
      topics: ['task-events'],
      deadLetterTopic: 'task-events-dlq',
      port: 8080,
      dapr: { pubsubName: 'kafka-pubsub', httpPort: 3500 },
      databaseUrl: 'postgres://audit:pw@db:5432/todo',
      // The smaller of Dapr's maxMessageBytes (1 MiB) and Kafka's default max.message.bytes.
      deadLetterMaxBytes: 1_048_576,
      appApiToken: null,
      http: { maxBodyBytes: 2 * 1024 * 1024, maxConcurrentDeliveries: 4 },
    });
  });

  it('gives each replica of a fan-out service a group of its own that starts at the newest offset', () => {
    const config = loadServiceConfig('websocket', { ...broker, KAFKA_MODE: 'kafka' });
    expect([config.consumerGroup, config.startFrom]).toEqual([`websocket-service-${hostname()}`, 'latest']);
    expect(
      loadServiceConfig('websocket', { ...broker, KAFKA_MODE: 'kafka', KAFKA_CONSUMER_GROUP: 'websocket-service-pod-1' }).consumerGroup,
    ).toBe('websocket-service-pod-1');
  });

  it('takes every variable the Deployment renderer writes', () => {
    const config = loadServiceConfig('notification', {
      ...broker,
      KAFKA_MODE: 'kafka',
      KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256',
      KAFKA_CONSUMER_GROUP: 'g',
      KAFKA_TOPICS: 'reminders',
      KAFKA_DLQ_TOPIC: 'reminders-dlq',
      PORT: '9000',
      DAPR_PUBSUB_NAME: 'other',
      DAPR_HTTP_PORT: '3600',
    });
    expect([
      config.mode,
      config.kafka?.securityProtocol,
      config.kafka?.saslMechanism,
      config.consumerGroup,
      config.deadLetterTopic,
    ]).toEqual(['kafka', 'SASL_SSL', 'SCRAM-SHA-256', 'g', 'reminders-dlq']);
    expect([config.port, config.dapr]).toEqual([9000, { pubsubName: 'other', httpPort: 3600 }]);
  });

  it('needs no broker in dapr mode (the sidecar talks to Kafka) and no database where the spec says none', () => {
    const config = loadServiceConfig('websocket', { WEBSOCKET_TOKEN_SECRET: 'x'.repeat(32), APP_API_TOKEN: 'sidecar-token' });
    expect([config.mode, config.kafka, config.databaseUrl, config.appApiToken]).toEqual(['dapr', null, null, 'sidecar-token']);
  });

  it("needs the sidecar's app API token in dapr mode, and never logs it", () => {
    expect(() => loadServiceConfig('websocket', { WEBSOCKET_TOKEN_SECRET: 'x'.repeat(32) })).toThrow(
      'APP_API_TOKEN: is not set; set it from Secret dapr-app-api-token, key "token"',
    );
    const config = loadServiceConfig('websocket', { WEBSOCKET_TOKEN_SECRET: 'x'.repeat(32), APP_API_TOKEN: 'sidecar-token' });
    expect(JSON.stringify(describeConfig(config))).not.toContain('sidecar-token');
    expect(describeConfig(config).appApiToken).toBe('(set)');
  });

  it('reads the HTTP caps and the dead-letter limit a stack sets under services.<name>.env', () => {
    const config = loadServiceConfig('notification', {
      KAFKA_MODE: 'dapr',
      APP_API_TOKEN: 't',
      DATABASE_URL: 'postgres://x@db/x',
      HTTP_MAX_BODY_BYTES: '65536',
      DAPR_MAX_CONCURRENT_DELIVERIES: '3',
      KAFKA_DLQ_MAX_MESSAGE_BYTES: '524288',
    });
    expect([config.http, config.deadLetterMaxBytes]).toEqual([{ maxBodyBytes: 65536, maxConcurrentDeliveries: 3 }, 524288]);
    expect(() =>
      loadServiceConfig('notification', {
        KAFKA_MODE: 'dapr',
        APP_API_TOKEN: 't',
        DATABASE_URL: 'postgres://x@db/x',
        DAPR_MAX_CONCURRENT_DELIVERIES: '0',
      }),
    ).toThrow('DAPR_MAX_CONCURRENT_DELIVERIES: "0" is not a whole number from 1 to 1024');
  });

  it('reports every missing or malformed variable in one error', () => {
    let error: ServiceConfigError | undefined;
    try {
      loadServiceConfig('audit', {
        KAFKA_BOOTSTRAP_SERVERS: 'broker-0',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_MODE: 'sidecar',
        PORT: '80800',
        DATABASE_URL: 'mysql://x',
      });
    } catch (e) {
      error = e as ServiceConfigError;
    }
    expect(error).toBeInstanceOf(ServiceConfigError);
    expect(error!.problems).toEqual([
      'KAFKA_MODE: "sidecar" is not allowed; set it to one of kafka, dapr',
      'KAFKA_BOOTSTRAP_SERVERS: "broker-0" is not host:port; write each broker as host:port',
      'KAFKA_SASL_MECHANISM: "scram-sha-512" is not allowed; did you mean SCRAM-SHA-512?',
      "KAFKA_USERNAME: is not set; set it to the service's Kafka user (audit-service)",
      'KAFKA_PASSWORD: is not set; set it from Secret key "password"',
      'PORT: "80800" is not a whole number from 0 to 65535; set it to one',
      'DATABASE_URL: is not a postgres:// or postgresql:// connection string',
    ]);
    expect(error!.message.startsWith('configuration of service audit has 7 problems:\n  - KAFKA_MODE:')).toBe(true);
  });

  it('asks for the brokers in kafka mode and for the database where the spec needs one', () => {
    expect(() => loadServiceConfig('audit', {})).toThrow(
      'configuration of service audit has 2 problems:\n' +
        '  - KAFKA_BOOTSTRAP_SERVERS: is not set; set it to the brokers, e.g. "broker-0:9093,broker-1:9093" (kafka mode needs them)\n' +
        '  - DATABASE_URL: is not set; set it to a postgres:// connection string (the service keeps its state in PostgreSQL)',
    );
  });

  it('names the services of the spec when the name is unknown', () => {
    expect(() => loadServiceConfig('mailer', {})).toThrow(
      'unknown service "mailer"; the platform spec defines audit, notification, recurring-task, websocket',
    );
  });
});

describe('describeConfig', () => {
  it('never shows the Kafka password or the database password', () => {
    const text = JSON.stringify(describeConfig(loadServiceConfig('audit', broker)));
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain(':pw@');
    expect(text).toContain('"password":"(set)"');
    expect(text).toContain('"databaseUrl":"postgres://audit:***@db:5432/todo"');
  });
});
