/**
 * The pod and container settings every workload of this package runs with:
 * the `restricted` Pod Security Standard (non-root, no privilege escalation,
 * all capabilities dropped, RuntimeDefault seccomp), a read-only root
 * filesystem with an emptyDir on /tmp, and no Kubernetes API token.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
import type { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import type { Resources } from '../../platform/index.js';
import { NAME_LABEL, standardLabels } from '../support/labels.js';
import { resource } from '../support/resource.js';
import { MONITORING_COMPONENT } from './api.js';
import { CA_MOUNT_PATH, type MonitoringClient } from './monitoring-client.js';

/** Size cap of the /tmp emptyDir. @default '32Mi' */
export const TMP_SIZE_LIMIT = '32Mi';

export function podSecurityContext(uid: number): Record<string, unknown> {
  return { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: 'RuntimeDefault' } };
}

export const CONTAINER_SECURITY_CONTEXT = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  privileged: false,
  capabilities: { drop: ['ALL'] },
} as const;

/** Volumes and mounts for /tmp and, when the client trusts a CA, the CA Secret. */
export function clientVolumes(client: MonitoringClient): { volumes: unknown[]; volumeMounts: unknown[] } {
  const volumes: unknown[] = [{ name: 'tmp', emptyDir: { sizeLimit: TMP_SIZE_LIMIT } }];
  const volumeMounts: unknown[] = [{ name: 'tmp', mountPath: '/tmp' }];
  if (client.ca) {
    volumes.push({ name: 'cluster-ca', secret: { secretName: client.ca.name, items: [{ key: client.ca.key, path: client.ca.key }] } });
    volumeMounts.push({ name: 'cluster-ca', mountPath: CA_MOUNT_PATH, readOnly: true });
  }
  return { volumes, volumeMounts };
}

/** The password env var, read from the user's Secret (never written into the manifest). */
export function passwordEnv(name: string, client: MonitoringClient): Record<string, unknown> {
  return { name, valueFrom: { secretKeyRef: { name: client.password.name, key: client.password.key } } };
}

export interface HardenedDeploymentProps {
  /** Name of the Deployment, its pods' name label and its container. */
  readonly name: string;
  readonly namespace: string;
  readonly image: string;
  readonly args?: readonly string[];
  readonly env: readonly Record<string, unknown>[];
  /** The one port the container serves (metrics or UI) and its health path. */
  readonly port: { readonly name: string; readonly number: number; readonly healthPath: string };
  readonly resources: Resources;
  /** Non-root UID (and GID) the image runs as. */
  readonly uid: number;
  readonly client: MonitoringClient;
}

/**
 * A single-replica Deployment of one hardened container. Both workloads of
 * this package (exporter, console) only read from Kafka and serve HTTP, so
 * they share this shape; only the container's settings differ.
 */
export function hardenedDeployment(scope: Construct, id: string, props: HardenedDeploymentProps): ApiObject {
  const labels = standardLabels(props.name, MONITORING_COMPONENT);
  const { volumes, volumeMounts } = clientVolumes(props.client);
  const probe = { httpGet: { path: props.port.healthPath, port: props.port.name }, periodSeconds: 30, timeoutSeconds: 10 };
  return resource(scope, id, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    name: props.name,
    namespace: props.namespace,
    component: MONITORING_COMPONENT,
    body: {
      spec: {
        replicas: 1,
        selector: { matchLabels: { [NAME_LABEL]: labels[NAME_LABEL]! } },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: podSecurityContext(props.uid),
            containers: [
              {
                name: props.name,
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                ...(props.args ? { args: props.args } : {}),
                env: props.env,
                ports: [{ name: props.port.name, containerPort: props.port.number, protocol: 'TCP' }],
                readinessProbe: probe,
                livenessProbe: { ...probe, initialDelaySeconds: 15 },
                resources: { requests: { ...props.resources.requests }, limits: { ...props.resources.limits } },
                securityContext: CONTAINER_SECURITY_CONTEXT,
                volumeMounts,
              },
            ],
            volumes,
          },
        },
      },
    },
  });
}
