import type { Construct } from 'constructs';
import { USER_PASSWORD_KEY, type UserSpec } from '../../platform/index.js';
import { allowRules, type PatternTypeSpelling } from '../support/acl-rules.js';
import { CustomResource } from '../support/resource.js';
import { STRIMZI_API_VERSION, STRIMZI_CLUSTER_LABEL } from './api.js';

export interface KafkaUserProps {
  readonly user: UserSpec;
  /** Name of the `Kafka` resource whose user operator manages this user. */
  readonly clusterName: string;
  readonly namespace: string;
}

/** Strimzi spells the prefixed pattern type `prefix`. */
const STRIMZI_PATTERN_TYPES: PatternTypeSpelling = { literal: 'literal', prefixed: 'prefix' };

/**
 * A Strimzi `KafkaUser` with SCRAM-SHA-512 credentials (Strimzi's only SCRAM
 * mechanism). The password is read from the user's Secret, key `password`,
 * which the Pulumi program creates, so no credential ever appears in a
 * manifest. Users other than the admin get `simple` authorization with
 * exactly their spec ACLs; the admin has none because it is a superuser of
 * the `Kafka` resource.
 * @see https://strimzi.io/docs/operators/latest/configuring#type-KafkaUser-reference
 */
export class KafkaUser extends CustomResource {
  constructor(scope: Construct, id: string, props: KafkaUserProps) {
    const { user } = props;
    super(scope, id, {
      apiVersion: STRIMZI_API_VERSION,
      kind: 'KafkaUser',
      name: user.name,
      namespace: props.namespace,
      component: 'user',
      labels: { [STRIMZI_CLUSTER_LABEL]: props.clusterName },
      body: {
        spec: {
          authentication: {
            type: 'scram-sha-512',
            password: { valueFrom: { secretKeyRef: { name: user.secretName, key: USER_PASSWORD_KEY } } },
          },
          ...(user.kind === 'admin' ? {} : { authorization: { type: 'simple', acls: allowRules(user.acls, STRIMZI_PATTERN_TYPES) } }),
        },
      },
    });
  }
}
