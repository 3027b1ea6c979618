/**
 * Workloads: what every pod we render must declare (requests and limits,
 * non-root, a read-only root filesystem) and that a NetworkPolicy selects it.
 * Pods that operators or Helm charts create are not resources of the stack
 * and are the charts' values' business (infra/operators.ts, dapr-values.ts).
 */
import { containersOf, describeObject, kubernetesKind, podTemplateOf, selects, type LabelSelector } from '../kubernetes.js';
import type { ResourceRule, StackRule } from '../rule.js';

const QUANTITIES = ['cpu', 'memory'] as const;

export const containerResources: ResourceRule = {
  name: 'container-resources',
  description: 'Every container declares CPU and memory requests and limits',
  remediation:
    'Set resources.requests and resources.limits (cpu and memory) on the container; for the services, services.<name>.resources in the stack file',
  scope: 'every-stack',
  validateResource: (args, reportViolation) => {
    const pod = podTemplateOf(args.type, args.props);
    if (!pod) return;
    for (const c of containersOf(pod.spec)) {
      const missing = (['requests', 'limits'] as const).flatMap((group) =>
        QUANTITIES.filter((q) => c.resources?.[group]?.[q] === undefined).map((q) => `${group}.${q}`),
      );
      if (missing.length > 0)
        reportViolation(`container ${c.name} of ${describeObject(args.type, args.props)} has no ${missing.join(', ')}`);
    }
  },
};

export const nonRootReadOnlyRoot: ResourceRule = {
  name: 'non-root-read-only-root',
  description: 'Every container runs as a non-root user on a read-only root filesystem',
  remediation:
    'Set runAsNonRoot: true (and a non-zero runAsUser) and readOnlyRootFilesystem: true; mount an emptyDir where the program writes',
  scope: 'every-stack',
  validateResource: (args, reportViolation) => {
    const pod = podTemplateOf(args.type, args.props);
    if (!pod) return;
    const podContext = (pod.spec.securityContext ?? {}) as Record<string, unknown>;
    for (const c of containersOf(pod.spec)) {
      const context = c.securityContext ?? {};
      const where = `container ${c.name} of ${describeObject(args.type, args.props)}`;
      const nonRoot = (context.runAsNonRoot ?? podContext.runAsNonRoot) === true;
      const uid = context.runAsUser ?? podContext.runAsUser;
      if (!nonRoot || uid === 0)
        reportViolation(`${where} may run as root (runAsNonRoot is not true${uid === 0 ? ', runAsUser is 0' : ''})`);
      if (context.readOnlyRootFilesystem !== true)
        reportViolation(`${where} has a writable root filesystem (readOnlyRootFilesystem is not true)`);
    }
  },
};

interface NetworkPolicyFacts {
  readonly namespace: string | undefined;
  readonly podSelector: LabelSelector | undefined;
}

export const networkPolicyPerWorkload: StackRule = {
  name: 'network-policy-per-workload',
  description: 'A NetworkPolicy of its namespace selects the pods of every workload',
  remediation:
    "Render a default-deny NetworkPolicy whose podSelector matches the workload's pod labels, allowing only what it needs (see charts/workloads/consumer-network-policy.ts)",
  scope: 'every-stack',
  validateStack: (args, reportViolation) => {
    const policies: NetworkPolicyFacts[] = args.resources
      .filter((r) => kubernetesKind(r.type) === 'NetworkPolicy' && r.type.startsWith('kubernetes:networking.k8s.io/'))
      .map((r) => ({
        namespace: (r.props.metadata as { namespace?: string } | undefined)?.namespace,
        podSelector: (r.props.spec as { podSelector?: LabelSelector } | undefined)?.podSelector,
      }));
    for (const r of args.resources) {
      const pod = podTemplateOf(r.type, r.props);
      if (!pod) continue;
      const namespace = (r.props.metadata as { namespace?: string } | undefined)?.namespace;
      if (!policies.some((p) => p.namespace === namespace && selects(p.podSelector, pod.labels))) {
        reportViolation(`${describeObject(r.type, r.props)}: no NetworkPolicy in its namespace selects its pods`, r.urn);
      }
    }
  },
};
