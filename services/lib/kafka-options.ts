/**
 * @platformatic/kafka connection options from a service's Kafka config:
 * bootstrap brokers, SASL credentials (SCRAM, or PLAIN with a Confluent Cloud
 * API key, whose id is the username) and TLS for `SASL_SSL`/`SSL`.
 */
import type { BaseOptions } from '@platformatic/kafka';
import type { KafkaConnectionConfig } from './config.js';
import { backoffDelayMs, SPEC_RETRY_POLICY, type RetryPolicy } from './retry.js';

/** Client-level timeouts. @default connect 10 s, request 30 s */
export const KAFKA_TIMEOUTS = { connectMs: 10_000, requestMs: 30_000 } as const;

/**
 * The options every client (producer, consumer, admin) of a service shares.
 * The client's own retries of a failed request follow the specification's
 * policy: `attempts - 1` retries with exponential waits.
 */
export function kafkaClientOptions(kafka: KafkaConnectionConfig, clientId: string, retry: RetryPolicy = SPEC_RETRY_POLICY): BaseOptions {
  const options: BaseOptions = {
    clientId,
    bootstrapBrokers: [...kafka.bootstrapServers],
    connectTimeout: KAFKA_TIMEOUTS.connectMs,
    requestTimeout: KAFKA_TIMEOUTS.requestMs,
    retries: Math.max(0, retry.attempts - 1),
    retryDelay: (_client, _operation, attempt) => backoffDelayMs(retry, attempt),
  };
  if (kafka.securityProtocol === 'SASL_PLAINTEXT' || kafka.securityProtocol === 'SASL_SSL') {
    options.sasl = { mechanism: kafka.saslMechanism, username: kafka.username, password: kafka.password };
  }
  if (kafka.securityProtocol === 'SASL_SSL' || kafka.securityProtocol === 'SSL') {
    options.tls = {};
  }
  return options;
}
