/**
 * `server.properties` of the single-node KRaft broker: one process is both
 * broker and controller, with a PLAINTEXT listener (setup, and the link the
 * broker uses to itself), a SASL_PLAINTEXT listener with SCRAM for clients,
 * a second SASL_PLAINTEXT listener with SASL/PLAIN (what Confluent Cloud's
 * API keys use, there over TLS), and the KRaft ACL authorizer. Both SASL
 * listeners authenticate the same users with the same passwords, so a user's
 * principal (`User:<name>`) and its ACLs are the same on either.
 * @see ../shared/NOTES.md §7
 * @see https://kafka.apache.org/documentation/#brokerconfigs
 */
import { ADMIN_USER } from '../../platform/index.js';

/** Listener names as they appear in the properties (and, lower-cased, in `listener.name.*` keys). */
export const LISTENERS = {
  plaintext: 'PLAINTEXT',
  sasl: 'SASL_PLAINTEXT',
  /** SASL/PLAIN only: a listener of its own, so the SCRAM listener stays exactly as it was. */
  plain: 'SASL_PLAIN',
  controller: 'CONTROLLER',
} as const;

/** The JAAS login module of Kafka's built-in SASL/PLAIN server. @see https://kafka.apache.org/documentation/#security_sasl_plain */
export const PLAIN_LOGIN_MODULE = 'org.apache.kafka.common.security.plain.PlainLoginModule';

/** Both SCRAM mechanisms: the dev and staging stacks use SHA-512, prod uses SHA-256. */
export const SCRAM_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type ScramMechanism = (typeof SCRAM_MECHANISMS)[number];

export interface BrokerPorts {
  readonly plaintext: number;
  readonly sasl: number;
  /** The SASL/PLAIN listener. @default none: a broker without it (SCRAM only) */
  readonly plain?: number;
  readonly controller: number;
}

export interface BrokerConfigInput {
  readonly ports: BrokerPorts;
  readonly dataDir: string;
  /** Superuser besides ANONYMOUS. @default ADMIN_USER */
  readonly adminUser?: string;
  /** KRaft node id; the controller quorum is this one node. @default LOCAL_NODE_ID */
  readonly nodeId?: number;
  /**
   * Users of the SASL/PLAIN listener and their passwords (alphanumeric, as
   * `plainJaasConfig` requires), the SCRAM users' own. @default none: nobody can log in over PLAIN
   */
  readonly plainUsers?: ReadonlyMap<string, string>;
}

/** KRaft node id of the one local node (broker and controller). */
export const LOCAL_NODE_ID = 1;

/** Loopback only: nothing outside this machine can reach the broker. */
const HOST = '127.0.0.1';

/**
 * The PLAIN listener's JAAS line: Kafka's built-in PLAIN server checks a login
 * against one `user_<name>="<password>"` option per user. The line holds the
 * passwords, so the properties file is written readable by its owner only
 * (kafka-broker.ts). Names and passwords are checked here because a quote or
 * backslash would end the option early.
 */
export function plainJaasConfig(users: ReadonlyMap<string, string>): string {
  const options = [...users].map(([name, password]) => {
    if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`user name ${JSON.stringify(name)} cannot be a PLAIN JAAS option`);
    if (!/^[A-Za-z0-9]+$/.test(password)) throw new Error(`password of ${name} must be alphanumeric to sit in the PLAIN JAAS line`);
    return ` user_${name}="${password}"`;
  });
  return `${PLAIN_LOGIN_MODULE} required${options.join('')};`;
}

/** The broker's properties, in a fixed order. */
export function brokerProperties(input: BrokerConfigInput): Record<string, string> {
  const { ports } = input;
  const nodeId = input.nodeId ?? LOCAL_NODE_ID;
  const sasl = LISTENERS.sasl.toLowerCase();
  const plain = LISTENERS.plain.toLowerCase();
  const withPlain = ports.plain !== undefined;
  const clientListeners = [
    `${LISTENERS.plaintext}://${HOST}:${ports.plaintext}`,
    `${LISTENERS.sasl}://${HOST}:${ports.sasl}`,
    ...(withPlain ? [`${LISTENERS.plain}://${HOST}:${ports.plain}`] : []),
  ];
  const plainListener = withPlain
    ? {
        // A listener-prefixed setting overrides the broker-wide one for that listener only (KIP-103).
        [`listener.name.${plain}.sasl.enabled.mechanisms`]: 'PLAIN',
        [`listener.name.${plain}.plain.sasl.jaas.config`]: plainJaasConfig(input.plainUsers ?? new Map()),
      }
    : {};
  const jaas = Object.fromEntries(
    SCRAM_MECHANISMS.map((m) => [
      `listener.name.${sasl}.${m.toLowerCase()}.sasl.jaas.config`,
      'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    ]),
  );
  return {
    'process.roles': 'broker,controller',
    'node.id': String(nodeId),
    // Formatted with --standalone: this node is the whole quorum.
    'controller.quorum.bootstrap.servers': `${HOST}:${ports.controller}`,
    listeners: [...clientListeners, `${LISTENERS.controller}://${HOST}:${ports.controller}`].join(','),
    'advertised.listeners': clientListeners.join(','),
    'listener.security.protocol.map': [
      `${LISTENERS.plaintext}:PLAINTEXT`,
      `${LISTENERS.sasl}:SASL_PLAINTEXT`,
      ...(withPlain ? [`${LISTENERS.plain}:SASL_PLAINTEXT`] : []),
      `${LISTENERS.controller}:PLAINTEXT`,
    ].join(','),
    'controller.listener.names': LISTENERS.controller,
    'inter.broker.listener.name': LISTENERS.plaintext,
    // The default is GSSAPI only.
    'sasl.enabled.mechanisms': SCRAM_MECHANISMS.join(','),
    ...jaas,
    ...plainListener,
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    // The broker reaches its own controller over PLAINTEXT, where it is ANONYMOUS; without it the broker never registers.
    'super.users': `User:${input.adminUser ?? ADMIN_USER};User:ANONYMOUS`,
    'allow.everyone.if.no.acl.found': 'false',
    'log.dirs': input.dataDir,
    // Topics come from the spec only: a typo must fail, not create a topic.
    'auto.create.topics.enable': 'false',
    'num.partitions': '1',
    'default.replication.factor': '1',
    'offsets.topic.replication.factor': '1',
    // 50 partitions (the default) slow the first group lookup on a small machine for no gain here.
    'offsets.topic.num.partitions': '5',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'transaction.state.log.num.partitions': '5',
    'share.coordinator.state.topic.replication.factor': '1',
    'share.coordinator.state.topic.min.isr': '1',
    // Tests join groups constantly; the 3 s default delay would slow each join.
    'group.initial.rebalance.delay.ms': '0',
  };
}

/**
 * Renders properties as a `.properties` file. The PLAIN listener's JAAS line
 * holds passwords: write the file readable by its owner only.
 */
export function renderProperties(properties: Record<string, string>): string {
  return `# Generated by scripts/local (npm run local:up); recreated on every start.\n${Object.entries(properties)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

/**
 * log4j 2 configuration of a Kafka JVM (properties format: needs no YAML
 * parser on the classpath): everything to stdout, which is the log file,
 * without the full config dump every component logs at INFO, then `loggers`,
 * further `logger.*` lines. The broker's, and the bench's Kafka Connect worker's.
 */
export function kafkaLog4jConfig(loggers: readonly string[] = []): string {
  return [
    'appender.stdout.type = Console',
    'appender.stdout.name = STDOUT',
    'appender.stdout.layout.type = PatternLayout',
    'appender.stdout.layout.pattern = [%d] %p %m (%c)%n',
    'rootLogger.level = INFO',
    'rootLogger.appenderRef.stdout.ref = STDOUT',
    'logger.config.name = org.apache.kafka.common.config.AbstractConfig',
    'logger.config.level = WARN',
    ...loggers,
    '',
  ].join('\n');
}

/** The broker's log4j 2 configuration: keeps the authorizer's denials (they explain a failing ACL test). */
export function brokerLog4jConfig(): string {
  return kafkaLog4jConfig(['logger.authorizer.name = kafka.authorizer.logger', 'logger.authorizer.level = INFO']);
}

/** A KRaft cluster id: 16 random bytes, base64url without padding (what `kafka-storage random-uuid` prints). */
export function clusterId(random: (size: number) => Buffer): string {
  for (;;) {
    const id = random(16).toString('base64url');
    // Kafka never generates ids starting with '-': they read as a command-line option.
    if (!id.startsWith('-')) return id;
  }
}
