/**
 * Passwords and the Kubernetes Secrets that carry them. Every value is a
 * Pulumi secret from the moment it exists: encrypted in the state, masked in
 * previews, never in a manifest under dist/.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import { DATABASE_SECRET, USER_PASSWORD_KEY, USER_USERNAME_KEY, redpandaSuperusersSecret, type PlatformSpec } from '../platform/index.js';
import type { InfraSettings } from './settings.js';
import { serviceSecretKeys, superusersFile, userSecretPlacements, usersWithGeneratedPasswords } from './secret-placement.js';

/**
 * Generated passwords: alphanumeric only, because they end up in SCRAM
 * credentials, JAAS config strings and Redpanda's colon-separated users.txt,
 * where quotes, colons or backslashes would break parsing. 32 characters of
 * [A-Za-z0-9] are about 190 bits.
 * @default { length: 32, special: false }
 */
export const PASSWORD_POLICY = {
  length: 32,
  special: false,
  upper: true,
  lower: true,
  numeric: true,
  minUpper: 1,
  minLower: 1,
  minNumeric: 1,
} as const;

/** Service secrets (token signing keys): 48 alphanumerics, about 285 bits. @default { length: 48, special: false } */
export const SERVICE_SECRET_POLICY = { ...PASSWORD_POLICY, length: 48 } as const;

const LABELS = { 'app.kubernetes.io/managed-by': 'pulumi', 'app.kubernetes.io/part-of': 'todo-events' };

/** A user's credential issued by the cluster itself rather than generated here: a Confluent Cloud API key. */
export interface IssuedCredential {
  /** The SASL username (the API key id). */
  readonly username: pulumi.Output<string>;
  /** The SASL password (the API key's secret); a secret output. */
  readonly password: pulumi.Output<string>;
}

export interface CredentialsArgs {
  readonly spec: PlatformSpec;
  readonly settings: InfraSettings;
  /**
   * Credentials the cluster issued, by user (`confluent-cloud`: each user's
   * API key, infra/confluent-cloud.ts); their Secrets hold these instead of a
   * generated password. @default none
   */
  readonly issued?: Readonly<Record<string, IssuedCredential>>;
  /** The namespaces the Secrets go into. */
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** Generated passwords and every Secret the manifests reference. */
export class Credentials extends pulumi.ComponentResource {
  /** Password per user the program generated (secret outputs). */
  readonly passwords: Record<string, pulumi.Output<string>> = {};
  /** Secret name per user that has a Secret. */
  readonly userSecretNames: Record<string, string> = {};
  readonly secrets: k8s.core.v1.Secret[] = [];

  constructor(name: string, args: CredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('todo-events:credentials:Credentials', name, {}, opts);
    const { spec, settings } = args;
    const child = { parent: this, dependsOn: args.dependsOn };
    // Fixed metadata.name: a replacement must delete the old Secret before creating the new one.
    const secretOpts = { ...child, deleteBeforeReplace: true };

    for (const user of usersWithGeneratedPasswords(spec)) {
      const password = new random.RandomPassword(`${name}-${user.name}`, PASSWORD_POLICY, { parent: this });
      // RandomPassword marks `result` secret through the engine; wrapping says so in the program too.
      this.passwords[user.name] = pulumi.secret(password.result);
    }

    for (const { user, namespace } of userSecretPlacements(spec)) {
      this.userSecretNames[user.name] = user.secretName;
      const issued = args.issued?.[user.name];
      const password = issued ? pulumi.secret(issued.password) : this.passwords[user.name];
      if (!password) throw new Error(`Kafka user "${user.name}" has neither a generated password nor an issued credential`);
      // An issued username (an API key id) is half of the credential: as secret as the password.
      const username = issued ? pulumi.secret(issued.username) : user.name;
      this.secrets.push(
        new k8s.core.v1.Secret(
          `${name}-${namespace}-${user.name}`,
          {
            metadata: { name: user.secretName, namespace, labels: { ...LABELS, 'todo-events/kafka-user': user.name } },
            type: 'Opaque',
            stringData: { [USER_PASSWORD_KEY]: password, [USER_USERNAME_KEY]: username },
          },
          secretOpts,
        ),
      );
    }

    if (spec.cluster.flavor === 'redpanda') {
      const admins = spec.users.filter((u) => u.kind === 'admin');
      const file = pulumi
        .all(admins.map((u) => this.passwords[u.name]!))
        .apply((pw) => superusersFile(admins.map((u, i) => ({ name: u.name, password: pw[i]!, mechanism: spec.cluster.saslMechanism }))));
      const superusers = redpandaSuperusersSecret(spec.cluster);
      this.secrets.push(
        new k8s.core.v1.Secret(
          `${name}-superusers`,
          {
            metadata: { name: superusers.name, namespace: spec.namespaces.kafka, labels: LABELS },
            type: 'Opaque',
            stringData: { [superusers.key]: pulumi.secret(file) },
          },
          secretOpts,
        ),
      );
    }

    // Service settings held in Secrets (the WebSocket token key; the Dapr app API
    // token, key `token`, which every Dapr-mode service's secretEnv names and its
    // sidecar reads through `dapr.io/app-token-secret`): generated here, in the
    // apps namespace, the pods' own, since a secretKeyRef resolves only there;
    // read by the service and by whatever else signs with it.
    for (const { name: secretName, keys } of serviceSecretKeys(spec)) {
      const values = Object.fromEntries(
        keys.map((key) => [
          key,
          pulumi.secret(new random.RandomPassword(`${name}-${secretName}-${key}`, SERVICE_SECRET_POLICY, { parent: this }).result),
        ]),
      );
      this.secrets.push(
        new k8s.core.v1.Secret(
          `${name}-service-${secretName}`,
          { metadata: { name: secretName, namespace: spec.namespaces.apps, labels: LABELS }, type: 'Opaque', stringData: values },
          secretOpts,
        ),
      );
    }

    if (settings.databaseUrl) {
      this.secrets.push(
        new k8s.core.v1.Secret(
          `${name}-database`,
          {
            metadata: { name: DATABASE_SECRET.name, namespace: spec.namespaces.apps, labels: LABELS },
            type: 'Opaque',
            stringData: { [DATABASE_SECRET.key]: pulumi.secret(settings.databaseUrl) },
          },
          secretOpts,
        ),
      );
    }
    this.registerOutputs({ userSecretNames: this.userSecretNames });
  }
}
