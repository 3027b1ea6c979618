/**
 * What `pulumi stack output` shows. Names and addresses only: every password
 * stays inside Secrets and the encrypted state, never in an output.
 */
import type { NamespacesSpec, PlatformSpec } from '../platform/index.js';

export interface PlatformOutputs {
  /** Address clients use (comma-separated host:port list). */
  readonly bootstrapServers: string;
  readonly securityProtocol: string;
  readonly saslMechanism: string;
  /** Kafka topic names. */
  readonly topics: string[];
  /** Kubernetes Secret name (key `password`) per Kafka user that has one. */
  readonly userSecrets: Record<string, string>;
  readonly namespaces: Pick<NamespacesSpec, 'kafka' | 'apps'>;
}

export function platformOutputs(spec: PlatformSpec, userSecretNames: Record<string, string>): PlatformOutputs {
  return {
    bootstrapServers: spec.cluster.bootstrapServers,
    securityProtocol: spec.cluster.securityProtocol,
    saslMechanism: spec.cluster.saslMechanism,
    topics: spec.topics.map((t) => t.name),
    userSecrets: Object.fromEntries(Object.entries(userSecretNames).sort(([a], [b]) => a.localeCompare(b))),
    namespaces: { kafka: spec.namespaces.kafka, apps: spec.namespaces.apps },
  };
}
