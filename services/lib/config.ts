/**
 * A service's configuration, read from the environment variables the
 * Deployment renderer writes (`SERVICE_ENV` in platform/service-env.ts).
 * Anything the environment leaves out comes from the service's entry in the
 * platform spec (consumer group `<name>-service`, topics it consumes, its
 * dead-letter topic, its port), so `npm run service -- audit` only needs the
 * broker address and credentials.
 */
import { hostname } from 'node:os';
import {
  DAPR_APP_TOKEN_SECRET,
  DAPR_MAX_CONCURRENT_DELIVERIES,
  SERVICE_ENV,
  topicRecordLimit,
  type SaslMechanism,
  type ServiceMode,
  type ServiceSpec,
} from '../../platform/index.js';
import { EnvReader, type Env } from './env-reader.js';
import { defaultServiceSpec, platformDefaults } from './platform-defaults.js';

export type KafkaSecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
export const KAFKA_SECURITY_PROTOCOLS: readonly KafkaSecurityProtocol[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];
/** SCRAM for every flavor but Confluent Cloud, whose API keys log in with `PLAIN` (always over TLS there). */
export const SASL_MECHANISMS: readonly SaslMechanism[] = ['SCRAM-SHA-256', 'SCRAM-SHA-512', 'PLAIN'];
export const SERVICE_MODES: readonly ServiceMode[] = ['kafka', 'dapr'];

/** Dapr's default sidecar HTTP port. @see https://docs.dapr.io/reference/arguments-annotations-overview/ */
export const DEFAULT_DAPR_HTTP_PORT = 3500;

/** How to reach and authenticate to the Kafka cluster. */
export interface KafkaConnectionConfig {
  /** `host:port` addresses (`KAFKA_BOOTSTRAP_SERVERS`, comma-separated). */
  readonly bootstrapServers: readonly string[];
  /** @default the spec's `cluster.securityProtocol` */
  readonly securityProtocol: KafkaSecurityProtocol;
  /** @default the spec's `cluster.saslMechanism` */
  readonly saslMechanism: SaslMechanism;
  /** Required for the SASL protocols. */
  readonly username?: string;
  /** Required for the SASL protocols. Never logged. */
  readonly password?: string;
}

/** Everything the library needs to run one service. */
export interface ServiceConfig {
  /** Short name, e.g. `audit`. */
  readonly name: string;
  /** Kubernetes name and Dapr app id, e.g. `audit-service`; also the Kafka client id. */
  readonly appId: string;
  /** `kafka`: consume directly; `dapr`: the sidecar delivers over HTTP. @default the spec's `mode` */
  readonly mode: ServiceMode;
  /** Present when `KAFKA_BOOTSTRAP_SERVERS` is set; required in `kafka` mode. */
  readonly kafka: KafkaConnectionConfig | null;
  /** @default `<name>-service`, or `<name>-service-<host name>` for a fan-out service */
  readonly consumerGroup: string;
  /**
   * Where a group without committed offsets starts: `earliest` (the specification's
   * `auto_offset_reset="earliest"`), or `latest` for fan-out replicas, whose
   * fresh per-pod group must not replay what other replicas already pushed.
   */
  readonly startFrom: 'earliest' | 'latest';
  /** Topics consumed. @default the spec's `consumes` */
  readonly topics: readonly string[];
  /** @default the spec's `deadLetterTopic` (`task-events-dlq`) */
  readonly deadLetterTopic: string;
  /** HTTP port for Dapr deliveries, /healthz, /readyz and /metrics; 0 picks a free one. @default 8080 */
  readonly port: number;
  readonly dapr: {
    /** @default the spec's `dapr.pubsubName` (`kafka-pubsub`) */
    readonly pubsubName: string;
    /** @default 3500 */
    readonly httpPort: number;
  };
  /** PostgreSQL connection string; required when the spec says `database: true`. Never logged. */
  readonly databaseUrl: string | null;
  /** Largest dead-letter record, in bytes (`KAFKA_DLQ_MAX_MESSAGE_BYTES`). @default `topicRecordLimit` of the spec's dead-letter topic (1 MiB) */
  readonly deadLetterMaxBytes: number;
  /**
   * Dapr mode: the app API token the sidecar sends as `dapr-api-token`
   * (`APP_API_TOKEN`, from the Secret in platform/dapr-app-token.ts); deliveries
   * without it are refused. Required in Dapr mode, null in Kafka mode. Never logged.
   */
  readonly appApiToken: string | null;
  /** Bounds of the HTTP server; `HTTP_LIMIT_DEFAULTS` says where the defaults come from. */
  readonly http: HttpLimits;
}

/** Service settings of the library beyond the platform's own variables; a stack sets them under `services.<name>.env`. */
export const LIBRARY_ENV = {
  maxBodyBytes: 'HTTP_MAX_BODY_BYTES',
  maxConcurrentDeliveries: DAPR_MAX_CONCURRENT_DELIVERIES.env,
} as const;

export interface HttpLimits {
  /**
   * Largest request body read, in bytes; a larger one is answered 413 (a
   * Dapr delivery: DROP, since the sidecar would retry it for ever) without
   * being buffered. @default 2 MiB
   */
  readonly maxBodyBytes: number;
  /**
   * Dapr deliveries handled at once; the ones beyond are answered 429 with
   * `Retry-After` before their body is read, which the sidecar retries
   * (any status but 404 is retriable). @default 4
   */
  readonly maxConcurrentDeliveries: number;
}

/**
 * Defaults of `HttpLimits`, from measurement: `node --expose-gc --import tsx
 * bench/memory-costs.ts` (Node 22.23, this project's 2-core machine, after
 * full GCs, the sidecar's requests sent from another process) gives
 * - a delivery of a CloudEvent carrying a 1 MiB task update (Dapr's
 *   `maxMessageBytes`, the largest the sidecar delivers), held while handled:
 *   1.0 MiB of heap (the event) + 1.0 MiB external (the body); while it is
 *   parsed, 4.0 MiB of heap more at the peak (the body as a string, the
 *   CloudEvent, the event's JSON, the event);
 * - a typical task update (0.2 KiB): 8.3 KiB of heap.
 * 2 MiB of body covers the largest delivery with room for base64
 * (`data_base64`, 4/3) and the envelope. 4 deliveries at once keep the worst
 * case, four maximal ones being parsed together, near 20 MiB, well inside the
 * 48 MiB heap cap (Dockerfile), and are more than the sidecar's Kafka
 * consumer sends at once (one message per partition claimed; the topics have
 * 1 and 3 partitions).
 */
export const HTTP_LIMIT_DEFAULTS: HttpLimits = {
  maxBodyBytes: 2 * 1024 * 1024,
  maxConcurrentDeliveries: DAPR_MAX_CONCURRENT_DELIVERIES.default,
};

/**
 * Reads the configuration of service `name` from `env`, falling back to
 * `spec` (its entry in the platform defaults). Throws one
 * `ServiceConfigError` listing every missing or malformed variable.
 */
export function loadServiceConfig(name: string, env: Env = process.env, spec: ServiceSpec = defaultServiceSpec(name)): ServiceConfig {
  const read = new EnvReader(env);
  const platform = platformDefaults();
  const mode = read.oneOf(SERVICE_ENV.mode, SERVICE_MODES, { default: spec.mode });
  const bootstrap = read.list(SERVICE_ENV.bootstrapServers, { default: [] }) ?? [];
  const kafkaNeeded = mode === 'kafka';
  if (kafkaNeeded && bootstrap.length === 0) {
    read.problem(
      SERVICE_ENV.bootstrapServers,
      'is not set; set it to the brokers, e.g. "broker-0:9093,broker-1:9093" (kafka mode needs them)',
    );
  }
  for (const address of bootstrap) {
    if (!/^[^\s:]+:\d{1,5}$/.test(address)) {
      read.problem(SERVICE_ENV.bootstrapServers, `${JSON.stringify(address)} is not host:port; write each broker as host:port`);
    }
  }
  const securityProtocol = read.oneOf(SERVICE_ENV.securityProtocol, KAFKA_SECURITY_PROTOCOLS, {
    default: platform.cluster.securityProtocol,
  });
  const saslMechanism = read.oneOf(SERVICE_ENV.saslMechanism, SASL_MECHANISMS, { default: platform.cluster.saslMechanism });
  const sasl = securityProtocol?.startsWith('SASL_') ?? false;
  const username =
    bootstrap.length > 0 && sasl
      ? read.string(SERVICE_ENV.username, { hint: `set it to the service's Kafka user (${spec.user})` })
      : undefined;
  const password =
    bootstrap.length > 0 && sasl ? read.secret(SERVICE_ENV.password, { hint: `set it from Secret key "password"` }) : undefined;
  // Fan-out: a group per replica; in Kubernetes the Deployment names it after the pod.
  const consumerGroup = read.string(SERVICE_ENV.consumerGroup, {
    default: spec.fanOut ? `${spec.consumerGroup}-${hostname()}` : spec.consumerGroup,
  });
  const topics = read.list(SERVICE_ENV.topics, { default: spec.consumes });
  const deadLetterTopic = read.string(SERVICE_ENV.deadLetterTopic, { default: spec.deadLetterTopic });
  const port = read.integer(SERVICE_ENV.port, { default: spec.port, min: 0, max: 65535 });
  const pubsubName = read.string(SERVICE_ENV.daprPubsubName, { default: platform.dapr.pubsubName });
  const daprHttpPort = read.integer(SERVICE_ENV.daprHttpPort, { default: DEFAULT_DAPR_HTTP_PORT, min: 1, max: 65535 });
  const databaseUrl = spec.database
    ? read.secret(SERVICE_ENV.databaseUrl, {
        hint: 'set it to a postgres:// connection string (the service keeps its state in PostgreSQL)',
      })
    : read.secret(SERVICE_ENV.databaseUrl, { optional: true });
  const deadLetterMaxBytes = read.integer(SERVICE_ENV.deadLetterMaxBytes, {
    default: topicRecordLimit(platform, deadLetterTopic ?? spec.deadLetterTopic),
    min: 16 * 1024,
    max: 64 * 1024 * 1024,
  });
  const appApiToken =
    mode === 'dapr'
      ? read.secret(SERVICE_ENV.appApiToken, {
          hint: `set it from Secret ${DAPR_APP_TOKEN_SECRET.name}, key "${DAPR_APP_TOKEN_SECRET.key}" (the token the sidecar sends; deliveries without it are refused)`,
        })
      : undefined;
  const maxBodyBytes = read.integer(LIBRARY_ENV.maxBodyBytes, {
    default: HTTP_LIMIT_DEFAULTS.maxBodyBytes,
    min: 16 * 1024,
    max: 64 * 1024 * 1024,
  });
  const maxConcurrentDeliveries = read.integer(LIBRARY_ENV.maxConcurrentDeliveries, {
    default: HTTP_LIMIT_DEFAULTS.maxConcurrentDeliveries,
    min: 1,
    max: 1024,
  });
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    read.problem(SERVICE_ENV.databaseUrl, 'is not a postgres:// or postgresql:// connection string');
  }
  read.throwIfInvalid(name);
  return {
    name,
    appId: spec.appId,
    mode: mode!,
    kafka:
      bootstrap.length === 0
        ? null
        : { bootstrapServers: bootstrap, securityProtocol: securityProtocol!, saslMechanism: saslMechanism!, username, password },
    consumerGroup: consumerGroup!,
    startFrom: spec.fanOut ? 'latest' : 'earliest',
    topics: topics!,
    deadLetterTopic: deadLetterTopic!,
    port: port!,
    dapr: { pubsubName: pubsubName!, httpPort: daprHttpPort! },
    databaseUrl: databaseUrl ?? null,
    deadLetterMaxBytes: deadLetterMaxBytes!,
    appApiToken: appApiToken ?? null,
    http: { maxBodyBytes: maxBodyBytes!, maxConcurrentDeliveries: maxConcurrentDeliveries! },
  };
}

/** The configuration as it may be logged: no password, no database credentials. */
export function describeConfig(config: ServiceConfig): Record<string, unknown> {
  return {
    ...config,
    kafka: config.kafka && { ...config.kafka, password: config.kafka.password === undefined ? undefined : '(set)' },
    databaseUrl: config.databaseUrl === null ? null : redactUrl(config.databaseUrl),
    appApiToken: config.appApiToken === null ? null : '(set)',
  };
}

/**
 * Query parameters of a PostgreSQL connection string that carry secrets
 * (libpq's `password` and `sslpassword`, which pg's parser also reads).
 * @see https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-PARAMKEYWORDS
 */
export const SECRET_URL_PARAMETERS: readonly string[] = ['password', 'sslpassword'];

/** A URL with its password, and any secret query parameter, replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const name of [...parsed.searchParams.keys()]) {
      if (SECRET_URL_PARAMETERS.includes(name.toLowerCase())) parsed.searchParams.set(name, '***');
    }
    return parsed.toString();
  } catch {
    return '(unparseable)';
  }
}
