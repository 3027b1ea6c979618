/**
 * One Kafka SCRAM credential (a user's password for one mechanism) as a
 * Pulumi resource, managed by the dynamic provider in
 * scram-credential-provider.ts (why it is not @pulumi/kafka's
 * `UserScramCredential`: see there). A first `pulumi up` works with a
 * password generated in the same update: preview accepts it unknown.
 */
import * as pulumi from '@pulumi/pulumi';
import type { KafkaAdminConnection } from './kafka-admin-connection.js';
import {
  SCRAM_CREDENTIAL_DEFAULTS,
  SCRAM_CREDENTIAL_SECRET_OUTPUTS,
  scramCredentialProvider,
  type ScramMechanism,
} from './scram-credential-provider.js';

/** Module and type of the resource: its type token is `pulumi-nodejs:dynamic/kafka:ScramCredential`. */
export const SCRAM_CREDENTIAL_MODULE = 'kafka';
export const SCRAM_CREDENTIAL_TYPE_NAME = 'ScramCredential';
export const SCRAM_CREDENTIAL_TYPE = `pulumi-nodejs:dynamic/${SCRAM_CREDENTIAL_MODULE}:${SCRAM_CREDENTIAL_TYPE_NAME}`;

export interface ScramCredentialArgs {
  /** The cluster and the admin that writes the credential. @see kafkaAdminConnection */
  readonly admin: KafkaAdminConnection;
  /** The Kafka user (principal `User:<username>`). Changing it replaces the credential. */
  readonly username: pulumi.Input<string>;
  /** Changing it replaces the credential (the old mechanism's is deleted first). */
  readonly scramMechanism: pulumi.Input<ScramMechanism>;
  /** Stored as a secret. Changing it rotates the credential in place. */
  readonly password: pulumi.Input<string>;
  /** PBKDF2 iterations, 4096 to 16384. @default SCRAM_CREDENTIAL_DEFAULTS.iterations (8192) */
  readonly iterations?: pulumi.Input<number>;
}

/** A SCRAM credential on a Kafka cluster, written with the admin API (KIP-554). */
export class ScramCredential extends pulumi.dynamic.Resource {
  // `declare`: the values come from the engine; a class field would overwrite them with undefined.
  declare readonly username: pulumi.Output<string>;
  declare readonly scramMechanism: pulumi.Output<ScramMechanism>;
  declare readonly iterations: pulumi.Output<number>;

  constructor(name: string, args: ScramCredentialArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      scramCredentialProvider,
      name,
      {
        bootstrapServers: args.admin.bootstrapServers,
        adminUsername: args.admin.username,
        adminPassword: pulumi.secret(args.admin.password),
        tls: args.admin.tls,
        saslMechanism: args.admin.saslMechanism,
        username: args.username,
        scramMechanism: args.scramMechanism,
        password: pulumi.secret(args.password),
        iterations: args.iterations ?? SCRAM_CREDENTIAL_DEFAULTS.iterations,
      },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...SCRAM_CREDENTIAL_SECRET_OUTPUTS] },
      SCRAM_CREDENTIAL_MODULE,
      SCRAM_CREDENTIAL_TYPE_NAME,
    );
  }
}
