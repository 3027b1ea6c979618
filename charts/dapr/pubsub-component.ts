import type { Construct } from 'constructs';
import {
  clusterCaSecret,
  saslUsernameInSecret,
  USER_PASSWORD_KEY,
  USER_USERNAME_KEY,
  type ClusterSpec,
  type DaprSpec,
  type SaslMechanism,
} from '../../platform/index.js';
import { CustomResource } from '../support/resource.js';
import { DAPR_COMPONENT_API_VERSION } from './api.js';
import type { PubsubIdentity } from './pubsub-identities.js';

export interface PubsubComponentProps {
  readonly identity: PubsubIdentity;
  readonly cluster: ClusterSpec;
  readonly dapr: DaprSpec;
  /** The apps namespace: components, their Secrets and their apps live together. */
  readonly namespace: string;
}

/**
 * How the Kafka component spells SASL mechanisms (`saslMechanism` accepts
 * exactly `SHA-256`, `SHA-512` or `PLAINTEXT`, its name for SASL/PLAIN, which
 * Confluent Cloud's API keys use). Any other spelling, such as the Kafka-style
 * `SCRAM-SHA-512`, silently falls back to SASL/PLAIN.
 * @see ../shared/crds/dapr/pubsub-kafka-metadata.yaml (`saslMechanism`, allowedValues)
 */
export const DAPR_SASL_MECHANISMS: Record<SaslMechanism, string> = {
  'SCRAM-SHA-256': 'SHA-256',
  'SCRAM-SHA-512': 'SHA-512',
  PLAIN: 'PLAINTEXT',
};

/** One `spec.metadata` entry: a literal value or a reference into a Secret of the component's namespace. */
export type MetadataItem = { name: string; value: string } | { name: string; secretKeyRef: { name: string; key: string } };

/**
 * The metadata of a Kafka component. Values are strings (the component parses
 * them); the password and CA are Secret references resolved through the
 * `kubernetes` secret store, never literals.
 * @see https://docs.dapr.io/reference/components-reference/supported-pubsub/setup-apache-kafka/
 */
export function kafkaComponentMetadata(props: PubsubComponentProps): MetadataItem[] {
  const { identity, cluster, dapr } = props;
  const ca = clusterCaSecret(cluster);
  const tls: MetadataItem[] = !cluster.tls
    ? [{ name: 'disableTls', value: 'true' }]
    : ca
      ? [{ name: 'caCert', secretKeyRef: { ...ca.copy } }]
      : [];
  return [
    { name: 'brokers', value: cluster.bootstrapServers },
    { name: 'authType', value: 'password' },
    // Confluent Cloud: the username is the API key id, in the user's Secret (saslUsernameInSecret).
    saslUsernameInSecret(cluster)
      ? { name: 'saslUsername', secretKeyRef: { name: identity.user.secretName, key: USER_USERNAME_KEY } }
      : { name: 'saslUsername', value: identity.user.name },
    { name: 'saslPassword', secretKeyRef: { name: identity.user.secretName, key: USER_PASSWORD_KEY } },
    { name: 'saslMechanism', value: DAPR_SASL_MECHANISMS[cluster.saslMechanism] },
    ...tls,
    { name: 'clientID', value: identity.appId },
    ...(identity.consumerGroup ? [{ name: 'consumerGroup', value: identity.consumerGroup }] : []),
    { name: 'initialOffset', value: identity.initialOffset ?? dapr.initialOffset },
    { name: 'maxMessageBytes', value: String(dapr.maxMessageBytes) },
  ];
}

/**
 * A `pubsub.kafka` Component loaded only by its one app (`scopes`), with its
 * own Kafka user: see `PubsubIdentity` for why components are per app.
 * @see https://docs.dapr.io/reference/resource-specs/component-schema/
 */
export class PubsubComponent extends CustomResource {
  constructor(scope: Construct, id: string, props: PubsubComponentProps) {
    super(scope, id, {
      apiVersion: DAPR_COMPONENT_API_VERSION,
      kind: 'Component',
      name: props.identity.componentName,
      namespace: props.namespace,
      component: 'pubsub',
      body: {
        spec: { type: 'pubsub.kafka', version: 'v1', metadata: kafkaComponentMetadata(props) },
        auth: { secretStore: 'kubernetes' },
        scopes: [props.identity.appId],
      },
    });
  }
}
