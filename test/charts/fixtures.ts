/**
 * Specs and synthesized manifests the chart and schema tests share: the
 * repository's stacks, plus variants that exercise branches the stacks do not
 * (combined Strimzi nodes, Redpanda with TLS and SCRAM-SHA-256, a topic whose
 * Kafka name is not a Kubernetes name, two producers).
 */
import { fileURLToPath } from 'node:url';
import { listStacks, loadPlatform, platformFromConfig, type PlatformConfig, type PlatformSpec } from '../../platform/index.js';
import { synthesizeManifests } from '../../charts/index.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The stacks with a `Pulumi.<stack>.yaml` (dev, prod, staging). */
export const STACKS = listStacks(REPO_ROOT);

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
};

export type Manifests = { chart: string; objects: K8sObject[] }[];

/**
 * The charts these tests cover, in registry order. Other charts (monitoring)
 * have tests of their own; the properties every object must have (schemas,
 * no plain-text secrets) are checked over `fullStackManifests`.
 */
export const PLATFORM_CHARTS = ['namespaces', 'kafka-cluster', 'kafka-topics', 'kafka-users', 'dapr', 'services'];

const cache = new Map<string, Manifests>();

export function stackSpec(stack: string): PlatformSpec {
  return loadPlatform(stack, REPO_ROOT);
}

/** The `PLATFORM_CHARTS` synthesized for `spec`. */
export function manifestsOf(spec: PlatformSpec): Manifests {
  return (synthesizeManifests(spec) as Manifests).filter((m) => PLATFORM_CHARTS.includes(m.chart));
}

/** Every chart synthesized for `spec`. */
export function fullManifestsOf(spec: PlatformSpec): Manifests {
  return synthesizeManifests(spec) as Manifests;
}

/** Every synthesized chart of a repository stack (cached: specs are immutable data). */
export function fullStackManifests(stack: string): Manifests {
  let manifests = cache.get(stack);
  if (!manifests) cache.set(stack, (manifests = synthesizeManifests(stackSpec(stack)) as Manifests));
  return manifests;
}

/** The `PLATFORM_CHARTS` of a repository stack. */
export function stackManifests(stack: string): Manifests {
  return fullStackManifests(stack).filter((m) => PLATFORM_CHARTS.includes(m.chart));
}

export function chartObjects(manifests: Manifests, chart: string): K8sObject[] {
  const found = manifests.find((m) => m.chart === chart);
  if (!found) throw new Error(`no chart "${chart}" among ${manifests.map((m) => m.chart).join(', ')}`);
  return found.objects;
}

export function allObjects(manifests: Manifests): K8sObject[] {
  return manifests.flatMap((m) => m.objects);
}

export function objectsOfKind(manifests: Manifests, kind: string): K8sObject[] {
  return allObjects(manifests).filter((o) => o.kind === kind);
}

export function findObject(manifests: Manifests, kind: string, name: string): K8sObject {
  const found = objectsOfKind(manifests, kind).find((o) => o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} "${name}"`);
  return found;
}

/** Stack configs beyond the repository's, validated like a stack file. */
export const VARIANT_CONFIGS: Record<string, PlatformConfig> = {
  'strimzi-combined': { cluster: { flavor: 'strimzi', brokers: 1 }, topicDefaults: { replicationFactor: 1 } },
  'redpanda-tls-sha256': {
    cluster: { flavor: 'redpanda', brokers: 3, tls: true, saslMechanism: 'SCRAM-SHA-256', storage: { storageClass: 'fast-ssd' } },
  },
  'topic-name-mapping': {
    cluster: { flavor: 'strimzi', brokers: 3 },
    topics: { Orders_V1: { partitions: 6, retention: '2d' } },
    producers: { 'todo-api': { produces: ['task-events', 'task-updates', 'Orders_V1'] } },
  },
  'redpanda-topic-name-mapping': {
    cluster: { flavor: 'redpanda', brokers: 3 },
    topics: { Orders_V1: { partitions: 6, retention: '2d' } },
    producers: { 'todo-api': { produces: ['task-events', 'task-updates', 'Orders_V1'] } },
  },
  'two-producers': {
    cluster: { flavor: 'redpanda', brokers: 1 },
    topicDefaults: { replicationFactor: 1 },
    producers: { 'chat-api': { produces: ['task-events'] } },
  },
};

export function variantSpec(name: string): PlatformSpec {
  const config = VARIANT_CONFIGS[name];
  if (!config) throw new Error(`no variant "${name}"`);
  return platformFromConfig(name, config);
}
