import type { Construct } from 'constructs';
import { USER_PASSWORD_KEY, type SaslMechanism, type UserSpec } from '../../platform/index.js';
import { allowRules, type PatternTypeSpelling } from '../support/acl-rules.js';
import { CustomResource } from '../support/resource.js';
import { clusterRef, REDPANDA_API_VERSION } from './api.js';

export interface RedpandaUserProps {
  readonly user: UserSpec;
  /** Name of the `Redpanda` resource the user is created in. */
  readonly clusterName: string;
  /** The cluster's SASL mechanism; the user's SCRAM credential uses the same. */
  readonly mechanism: SaslMechanism;
  readonly namespace: string;
}

/** Redpanda spells pattern types as the spec does. */
const REDPANDA_PATTERN_TYPES: PatternTypeSpelling = { literal: 'literal', prefixed: 'prefixed' };

/**
 * A Redpanda `User`: a SCRAM credential whose password is read from the
 * user's Secret (key `password`, created by the Pulumi program) and exactly
 * the user's spec ACLs. The admin is not rendered: it is a superuser from the
 * chart's superusers Secret.
 * @see https://docs.redpanda.com/current/manage/kubernetes/security/authentication/k-user-controller/
 */
export class RedpandaUser extends CustomResource {
  constructor(scope: Construct, id: string, props: RedpandaUserProps) {
    const { user } = props;
    super(scope, id, {
      apiVersion: REDPANDA_API_VERSION,
      kind: 'User',
      name: user.name,
      namespace: props.namespace,
      component: 'user',
      body: {
        spec: {
          cluster: clusterRef(props.clusterName),
          authentication: {
            type: props.mechanism.toLowerCase(),
            password: { valueFrom: { secretKeyRef: { name: user.secretName, key: USER_PASSWORD_KEY } } },
          },
          authorization: { type: 'simple', acls: allowRules(user.acls, REDPANDA_PATTERN_TYPES) },
        },
      },
    });
  }
}
