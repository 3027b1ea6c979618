import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { PlatformSpec } from '../../platform/index.js';
import { platformNamespace } from './platform-namespace.js';

/**
 * The Kafka and apps namespaces. The apps namespace enforces the `restricted`
 * Pod Security Standard: every pod there is rendered by this package (or
 * injected by Dapr) and meets it, so a pod that does not is refused rather
 * than run. The Kafka namespace exists for external clusters too: the Pulumi
 * program keeps the users' Secrets and the monitoring exporter there. When
 * both namespaces have the same name it is rendered once, as apps.
 * An adopted namespace (`namespaces.ownership`) is rendered too, with only the
 * labels we need: GitOps applies them; the Pulumi program patches them onto
 * the existing namespace instead of creating it (infra/namespaces.ts).
 */
export class NamespacesChart extends Chart {
  constructor(scope: Construct, id: string, spec: PlatformSpec) {
    super(scope, id, { disableResourceNameHashes: true });
    const { kafka, apps, ownership } = spec.namespaces;
    if (kafka !== apps) {
      platformNamespace(this, 'Kafka', { name: kafka, component: 'kafka', ownership: ownership.kafka });
    }
    platformNamespace(this, 'Apps', { name: apps, component: 'apps', enforcePodSecurity: 'restricted', ownership: ownership.apps });
  }
}
