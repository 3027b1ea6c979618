import { ApiObject, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { clusterCaSecret, HEALTH_PATHS, type PlatformSpec, type ServiceSpec } from '../../platform/index.js';
import { NAME_LABEL, standardLabels } from '../support/labels.js';
import { containerResources } from '../support/quantities.js';
import { CLUSTER_CA_MOUNT, consumerEnv, type EnvEntry } from './consumer-env.js';
import { daprAnnotations, scrapeAnnotations } from './pod-annotations.js';
import { SERVICE_GID, SERVICE_UID, TMP_SIZE_LIMIT_MIB } from './security.js';

export interface ConsumerDeploymentProps {
  readonly spec: PlatformSpec;
  readonly service: ServiceSpec;
  readonly serviceAccount: kplus.IServiceAccount;
}

/** The label that selects a service's pods (its Service, NetworkPolicy and Deployment use it). */
export function podSelectorLabels(service: Pick<ServiceSpec, 'appId'>): Record<string, string> {
  return { [NAME_LABEL]: service.appId };
}

/**
 * A service's Deployment. cdk8s-plus supplies the hardened basics (non-root,
 * read-only root filesystem, no privilege escalation); resources come from the
 * spec (cdk8s-plus would default to 1 CPU / 512Mi requests, far above what a
 * service uses). What cdk8s-plus cannot express is set as JSON patches on the
 * synthesized object:
 * - capabilities: drop `ALL` (its `Capability` enum has no `ALL`);
 * - the pod's seccomp profile `RuntimeDefault`;
 * - no `cdk8s.io/metadata.addr` pod label: pods are selected by name label.
 */
export class ConsumerDeployment extends Construct {
  readonly deployment: kplus.Deployment;

  constructor(scope: Construct, id: string, props: ConsumerDeploymentProps) {
    super(scope, id);
    const { spec, service } = props;
    const namespace = spec.namespaces.apps;
    const annotations = { ...scrapeAnnotations(service), ...(service.mode === 'dapr' ? daprAnnotations(service) : {}) };

    this.deployment = new kplus.Deployment(this, 'Resource', {
      metadata: { name: service.appId, namespace, labels: standardLabels(service.appId, 'consumer') },
      replicas: service.replicas,
      select: false,
      podMetadata: { labels: standardLabels(service.appId, 'consumer'), annotations },
      serviceAccount: props.serviceAccount,
      automountServiceAccountToken: false,
      securityContext: { ensureNonRoot: true, user: SERVICE_UID, group: SERVICE_GID },
      containers: [
        {
          name: service.name,
          image: service.image,
          imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
          resources: containerResources(service.resources),
          ports: [{ number: service.port, name: 'http' }],
          envVariables: Object.fromEntries(consumerEnv(spec, service).map((e) => [e.name, this.envValue(e)])),
          liveness: kplus.Probe.fromHttpGet(HEALTH_PATHS.live, { port: service.port }),
          readiness: kplus.Probe.fromHttpGet(HEALTH_PATHS.ready, { port: service.port }),
          securityContext: {
            ensureNonRoot: true,
            user: SERVICE_UID,
            group: SERVICE_GID,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            privileged: false,
          },
        },
      ],
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: podSelectorLabels(service) }));

    const container = this.deployment.containers[0]!;
    const tmp = kplus.Volume.fromEmptyDir(this, 'Tmp', 'tmp', { sizeLimit: Size.mebibytes(TMP_SIZE_LIMIT_MIB) });
    container.mount('/tmp', tmp);
    const ca = clusterCaSecret(spec.cluster);
    if (ca && service.mode === 'kafka') {
      const secret = kplus.Secret.fromSecretName(this, 'ClusterCa', ca.copy.name);
      container.mount(CLUSTER_CA_MOUNT, kplus.Volume.fromSecret(this, 'ClusterCaVolume', secret, { name: 'cluster-ca' }), {
        readOnly: true,
      });
    }

    const container0 = '/spec/template/spec/containers/0';
    ApiObject.of(this.deployment).addJsonPatch(
      JsonPatch.add(`${container0}/securityContext/capabilities`, { drop: ['ALL'] }),
      JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
      JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'),
    );
  }

  private envValue(entry: EnvEntry): kplus.EnvValue {
    if ('value' in entry) return kplus.EnvValue.fromValue(entry.value);
    if ('podField' in entry) return kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME);
    const secret = kplus.Secret.fromSecretName(this, `Env${entry.name}`, entry.secret.name);
    return kplus.EnvValue.fromSecretValue({ secret, key: entry.secret.key });
  }
}
