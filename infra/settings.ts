/**
 * What the program reads from the stack's Pulumi config: the platform spec
 * (`todo-events:platform`) and the few values that must never sit in a stack
 * file in plain text (set with `pulumi config set --secret`).
 */
import * as pulumi from '@pulumi/pulumi';
import {
  ADMIN_USER,
  DATABASE_SECRET,
  IMAGE_DIGESTS_CONFIG_KEY,
  parseJsonSetting,
  PlatformConfigError,
  platformFromConfig,
  type ConfigProblem,
  type PlatformSpec,
} from '../platform/index.js';

/** Config keys of the program itself, next to `todo-events:platform`. */
export const INFRA_CONFIG_KEYS = {
  /** Admin user of an `external` cluster. @default ADMIN_USER ('platform-admin') */
  kafkaAdminUsername: 'kafkaAdminUsername',
  /** Admin password of an `external` cluster; required for `external`, secret. */
  kafkaAdminPassword: 'kafkaAdminPassword',
  /**
   * The stack operator's Confluent Cloud API key (a Cloud API key, not a Kafka
   * one); required for `confluent-cloud`, secret. Its owner must be allowed to
   * create service accounts, API keys and role bindings (OrganizationAdmin, or
   * AccountAdmin with EnvironmentAdmin of the cluster's environment).
   */
  confluentCloudApiKey: 'confluentCloudApiKey',
  /** The secret of that Cloud API key; required for `confluent-cloud`, secret. */
  confluentCloudApiSecret: 'confluentCloudApiSecret',
  /** PostgreSQL URL of services with `database: true`; required when one exists, secret. */
  databaseUrl: 'databaseUrl',
  /**
   * JSON `{ "<service>": "sha256:…" }`: the digests the delivery workflow pushed, merged over the
   * spec's `images.digests`, so the Deployments run exactly those images. @default none (the spec's own)
   */
  imageDigests: IMAGE_DIGESTS_CONFIG_KEY,
} as const;

/** Credentials the program uses to manage an external cluster. */
export interface KafkaAdminCredentials {
  readonly username: string;
  /** Always a secret output. */
  readonly password: pulumi.Output<string>;
}

/** The Cloud API key the program manages a Confluent Cloud cluster's accounts, keys, topics and ACLs with. */
export interface ConfluentCloudCredentials {
  /** Always a secret output. */
  readonly apiKey: pulumi.Output<string>;
  /** Always a secret output. */
  readonly apiSecret: pulumi.Output<string>;
}

export interface InfraSettings {
  /** Set for the `external` flavor only. */
  readonly kafkaAdmin?: KafkaAdminCredentials;
  /** Set for the `confluent-cloud` flavor only. */
  readonly confluentCloud?: ConfluentCloudCredentials;
  /** Set when at least one service has `database: true`. */
  readonly databaseUrl?: pulumi.Output<string>;
}

/**
 * The resolved platform spec of the current stack, read through Pulumi's
 * config (so it behaves the same under `pulumi up` and under mocks). Throws
 * a PlatformConfigError listing every problem before anything is registered.
 * A stack without the key gets the defaults, as `readStackConfig` does.
 */
export function readPlatformSpec(config = new pulumi.Config(), stack = pulumi.getStack()): PlatformSpec {
  const raw = config.getObject<unknown>('platform') ?? {};
  return platformFromConfig(
    stack,
    raw,
    `stack ${stack} (${config.name}:platform)`,
    parseJsonSetting(config.get(INFRA_CONFIG_KEYS.imageDigests)),
  );
}

/**
 * Names of the services that read the database Secret; empty when none does,
 * and then no database URL is asked for.
 */
export function servicesNeedingDatabase(spec: PlatformSpec): string[] {
  return spec.services.filter((s) => s.database).map((s) => s.name);
}

/**
 * Every missing secret setting of this spec, each with the command that sets
 * it. `isSet` tells whether a config key has a value.
 */
export function missingSettings(spec: PlatformSpec, projectName: string, isSet: (key: string) => boolean): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const key = (name: string) => `${projectName}:${name}`;
  if (spec.cluster.flavor === 'external' && !isSet(INFRA_CONFIG_KEYS.kafkaAdminPassword)) {
    problems.push({
      path: key(INFRA_CONFIG_KEYS.kafkaAdminPassword),
      message: `is not set; the external cluster's admin password is needed to manage topics, SCRAM users and ACLs`,
      fix: `run \`pulumi config set --secret ${key(INFRA_CONFIG_KEYS.kafkaAdminPassword)}\` (and ${key(INFRA_CONFIG_KEYS.kafkaAdminUsername)} when the admin is not "${ADMIN_USER}")`,
    });
  }
  if (spec.cluster.flavor === 'confluent-cloud') {
    for (const name of [INFRA_CONFIG_KEYS.confluentCloudApiKey, INFRA_CONFIG_KEYS.confluentCloudApiSecret]) {
      if (isSet(name)) continue;
      problems.push({
        path: key(name),
        message: `is not set; the Cloud API key and secret of the stack's operator are needed to create service accounts, API keys, topics and ACLs on Confluent Cloud`,
        fix: `run \`pulumi config set --secret ${key(name)}\` (a Cloud API key: confluent api-key create --resource cloud)`,
      });
    }
  }
  const dbServices = servicesNeedingDatabase(spec);
  if (dbServices.length > 0 && !isSet(INFRA_CONFIG_KEYS.databaseUrl)) {
    problems.push({
      path: key(INFRA_CONFIG_KEYS.databaseUrl),
      message: `is not set; services ${dbServices.map((s) => `"${s}"`).join(', ')} read it from Secret "${DATABASE_SECRET.name}"`,
      fix: `run \`pulumi config set --secret ${key(INFRA_CONFIG_KEYS.databaseUrl)} postgres://user:password@host:5432/todo\``,
    });
  }
  return problems;
}

/**
 * The secret settings this spec needs, as secret outputs. Throws one
 * PlatformConfigError naming every missing key, before any resource exists.
 */
export function readInfraSettings(spec: PlatformSpec, config = new pulumi.Config()): InfraSettings {
  // runtime.getConfig, not config.get: reading a secret key with get() logs a warning.
  const problems = missingSettings(spec, config.name, (k) => pulumi.runtime.getConfig(`${config.name}:${k}`) !== undefined);
  if (problems.length > 0) throw new PlatformConfigError(`stack ${spec.stack}`, problems);
  const kafkaAdmin =
    spec.cluster.flavor === 'external'
      ? {
          username: config.get(INFRA_CONFIG_KEYS.kafkaAdminUsername) ?? ADMIN_USER,
          password: config.requireSecret(INFRA_CONFIG_KEYS.kafkaAdminPassword),
        }
      : undefined;
  const confluentCloud =
    spec.cluster.flavor === 'confluent-cloud'
      ? {
          apiKey: config.requireSecret(INFRA_CONFIG_KEYS.confluentCloudApiKey),
          apiSecret: config.requireSecret(INFRA_CONFIG_KEYS.confluentCloudApiSecret),
        }
      : undefined;
  const databaseUrl = servicesNeedingDatabase(spec).length > 0 ? config.requireSecret(INFRA_CONFIG_KEYS.databaseUrl) : undefined;
  return { kafkaAdmin, confluentCloud, databaseUrl };
}
