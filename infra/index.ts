/**
 * The Pulumi program: one environment (stack) of the Todo event backbone.
 *
 *   pulumi stack select dev && pulumi preview && pulumi up
 *
 * Everything comes from the stack's `todo-events:platform` config, resolved
 * into a PlatformSpec. Invalid config stops here with every problem listed,
 * before a single resource is registered.
 */
import type { Resource } from '@pulumi/pulumi';
import type * as k8s from '@pulumi/kubernetes';
import { synthesizeManifests } from '../charts/index.js';
import { clusterCaSecret, PlatformConfigError } from '../platform/index.js';
import { applyPlan, phaseSteps, type Prerequisite } from './apply-plan.js';
import { ClusterCaCopy } from './cluster-ca.js';
import { ConfluentCloudKafka, serviceAccountNameProblems } from './confluent-cloud.js';
import { Credentials } from './credentials.js';
import { ExternalKafka } from './external-kafka.js';
import { applyCharts } from './manifests.js';
import { monitoringPrerequisites } from './monitoring-prerequisites.js';
import { AdoptedNamespaces, splitAdoptedNamespaces } from './namespaces.js';
import { Operators } from './operators.js';
import { withReadinessWait } from './readiness.js';
import { readInfraSettings, readPlatformSpec } from './settings.js';
import { platformOutputs } from './stack-outputs.js';
import { previousWithAdopted } from '../platform/changes/index.js';
import { readAdoption } from './adoption.js';
import { deployedSpecOutput, enforceGuardRails, readDeployedSpec } from './guard-rails.js';

// Pure steps first: anything wrong throws before the first registration.
const spec = readPlatformSpec();
const settings = readInfraSettings(spec);
if (spec.cluster.flavor === 'confluent-cloud') {
  const problems = serviceAccountNameProblems(spec);
  if (problems.length > 0) throw new PlatformConfigError(`stack ${spec.stack}`, problems);
}
const synthesized = splitAdoptedNamespaces(
  spec,
  synthesizeManifests(spec).map((c) => ({ chart: c.chart, objects: withReadinessWait(c.objects) })),
);
const charts = synthesized.charts;
const plan = applyPlan(
  spec,
  charts.map((c) => c.chart),
);
const adoption = readAdoption(spec);
// The guard rails, from what this stack last deployed (plus adopted topics' live facts) to this spec: a
// refused change throws here, before any resource is registered (the StackReference to itself only reads).
enforceGuardRails(spec, previousWithAdopted(await readDeployedSpec(), adoption, spec.protectTopics));

const groups = new Map<string, k8s.yaml.v2.ConfigGroup>();
const prerequisites: Partial<Record<Prerequisite, Resource>> = {};

// Phase 1: namespaces (adopted ones patched, owned ones created); then what lives in them and what the cluster needs.
if (synthesized.adopted.length > 0) {
  prerequisites['adopted-namespaces'] = new AdoptedNamespaces('namespaces', { namespaces: synthesized.adopted });
}
applyCharts('chart', phaseSteps(plan, 0), charts, prerequisites, groups);
const foundation = [...groups.values()];
const operators = new Operators('operators', { spec, dependsOn: foundation });
// Confluent Cloud issues each user's credential (an API key) itself: its accounts and keys come before the Secrets holding them.
const confluent =
  spec.cluster.flavor === 'confluent-cloud' ? new ConfluentCloudKafka('kafka', { spec, credentials: settings.confluentCloud! }) : undefined;
const credentials = new Credentials('credentials', { spec, settings, issued: confluent?.issued, dependsOn: foundation });
prerequisites['cluster-operator'] = operators.releases.cluster;
prerequisites['dapr-operator'] = operators.releases.dapr;
prerequisites.credentials = credentials;
if (spec.cluster.flavor === 'external') {
  prerequisites['external-kafka'] = new ExternalKafka('kafka', {
    spec,
    admin: settings.kafkaAdmin!,
    passwords: credentials.passwords,
    adopt: adoption,
  });
}
if (confluent) prerequisites['external-kafka'] = confluent;

// Phase 2: the cluster (awaited until Ready), its topics and users; then the CA its clients need.
applyCharts('chart', phaseSteps(plan, 1), charts, prerequisites, groups);
const cluster = groups.get('kafka-cluster');
if (clusterCaSecret(spec.cluster) && cluster) {
  prerequisites['cluster-ca'] = new ClusterCaCopy('cluster-ca', { spec, cluster });
}

// Phase 3: Dapr components, the services and their monitoring (after what the cluster must already have for it).
Object.assign(prerequisites, monitoringPrerequisites('monitoring', spec));
applyCharts('chart', phaseSteps(plan, 2), charts, prerequisites, groups);

const outputs = platformOutputs(spec, credentials.userSecretNames);
export const bootstrapServers = outputs.bootstrapServers;
export const securityProtocol = outputs.securityProtocol;
export const saslMechanism = outputs.saslMechanism;
export const topics = outputs.topics;
export const userSecrets = outputs.userSecrets;
export const namespaces = outputs.namespaces;
/** What the next update's guard rails compare with (infra/guard-rails.ts). */
export const platformSpec = deployedSpecOutput(spec);
