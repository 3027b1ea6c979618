import { Construct } from 'constructs';
import { THIRD_PARTY_IMAGES, type PlatformSpec, type Resources } from '../../platform/index.js';
import { resource } from '../support/resource.js';
import { NAME_LABEL } from '../support/labels.js';
import { MONITORING_COMPONENT } from './api.js';
import { hardenedDeployment, passwordEnv } from './hardened-pod.js';
import { caFile, monitoringClient } from './monitoring-client.js';
import { monitoringNetworkPolicy } from './monitoring-network-policy.js';

/**
 * Redpanda Console by tag; it works with any Kafka API, not only Redpanda's.
 * The Deployment runs `spec.images.thirdParty['redpanda-console']`, pinned by
 * digest when the stack sets `images.digests.redpanda-console`.
 */
export const REDPANDA_CONSOLE_IMAGE = THIRD_PARTY_IMAGES['redpanda-console'];

/** Console's default HTTP port (`server.listenPort`). */
export const REDPANDA_CONSOLE_PORT = 8080;

/** `metadata.name` of the console's Deployment and Service. */
export const REDPANDA_CONSOLE_NAME = 'redpanda-console';

/**
 * Requests and limits of the console: a Go web server that holds topic
 * metadata and the messages a user is browsing. Not measured here.
 */
export const REDPANDA_CONSOLE_RESOURCES: Resources = {
  requests: { cpu: '50m', memory: '128Mi' },
  limits: { cpu: '500m', memory: '512Mi' },
};

/** The UID the console image runs as (its `redpandaconsole` user, as the Redpanda chart sets it). */
const CONSOLE_UID = 99;

/**
 * The console's settings as environment variables: each YAML key upper-cased,
 * nesting joined by `_` (`kafka.sasl.username` → `KAFKA_SASL_USERNAME`).
 * @see https://docs.redpanda.com/current/console/config/configure-console/
 */
export function redpandaConsoleEnv(spec: PlatformSpec): Record<string, unknown>[] {
  const client = monitoringClient(spec, 'console');
  const ca = caFile(client);
  const value = (name: string, v: string) => ({ name, value: v });
  return [
    value('KAFKA_BROKERS', client.bootstrapServers.join(',')),
    value('KAFKA_SASL_ENABLED', 'true'),
    value('KAFKA_SASL_MECHANISM', client.saslMechanism),
    value('KAFKA_SASL_USERNAME', client.username),
    passwordEnv('KAFKA_SASL_PASSWORD', client),
    value('KAFKA_TLS_ENABLED', String(client.tls)),
    ...(client.tls && ca ? [value('KAFKA_TLS_CAFILEPATH', ca)] : []),
  ];
}

export interface RedpandaConsoleProps {
  readonly spec: PlatformSpec;
}

/**
 * Redpanda Console for Strimzi and external clusters (a Redpanda cluster
 * runs the one built into its chart): topics, messages, consumer-group lag
 * and brokers, seen as the console user, which reads and describes but may
 * not write, commit offsets or delete (`consoleAcls`), so browsing can never
 * change anything. A ClusterIP Service only: reach it with
 * `kubectl port-forward svc/redpanda-console 8080 -n <apps namespace>` or
 * put an authenticating ingress in front of it.
 * @see https://docs.redpanda.com/current/console/
 */
export class RedpandaConsole extends Construct {
  constructor(scope: Construct, id: string, props: RedpandaConsoleProps) {
    super(scope, id);
    const { spec } = props;
    if (spec.cluster.flavor === 'redpanda') {
      throw new Error('RedpandaConsole is for Strimzi and external clusters; the Redpanda chart runs its own console (console.enabled)');
    }
    // With the console user's Secret and the CA copy (see monitoring-client.ts).
    const namespace = spec.namespaces.apps;
    hardenedDeployment(this, 'Deployment', {
      name: REDPANDA_CONSOLE_NAME,
      namespace,
      image: spec.images.thirdParty['redpanda-console'],
      env: redpandaConsoleEnv(spec),
      port: { name: 'http', number: REDPANDA_CONSOLE_PORT, healthPath: '/admin/health' },
      resources: REDPANDA_CONSOLE_RESOURCES,
      uid: CONSOLE_UID,
      client: monitoringClient(spec, 'console'),
    });
    monitoringNetworkPolicy(this, 'NetworkPolicy', spec, {
      name: REDPANDA_CONSOLE_NAME,
      namespace,
      port: REDPANDA_CONSOLE_PORT,
      from: 'namespace',
    });
    resource(this, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      name: REDPANDA_CONSOLE_NAME,
      namespace,
      component: MONITORING_COMPONENT,
      body: {
        spec: {
          type: 'ClusterIP',
          selector: { [NAME_LABEL]: REDPANDA_CONSOLE_NAME },
          ports: [{ name: 'http', port: REDPANDA_CONSOLE_PORT, targetPort: 'http', protocol: 'TCP' }],
        },
      },
    });
  }
}
