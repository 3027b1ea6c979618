export * from './types.js';
export type * from './config.js';
export * from './defaults.js';
export { parseDurationMs, formatDurationMs } from './duration.js';
export { kafkaTopicNameProblem, topicResourceName } from './names.js';
export { serviceAcls, producerAcls, exporterAcls, consoleAcls } from './acls.js';
export { consoleRuns, foreignDashboardNamespace, lagExporterRuns } from './monitoring-workloads.js';
export { resolvePlatform, bootstrapServersFor, type ResolveOptions } from './resolve.js';
export { LOCALE_ORDER, CODE_UNIT_ORDER, type NameOrder } from './name-order.js';
export { validatePlatform } from './validate.js';
export { PlatformConfigError, formatProblems, type ConfigProblem } from './errors.js';
export { loadPlatform, platformFromConfig, readStackConfig, readStackSettings, parseJsonSetting, listStacks, stackFile } from './load.js';
export { topicConfig } from './topic-config.js';
export {
  CONFLUENT_REPLICATION_FACTOR,
  isManagedFlavor,
  MANAGED_FLAVORS,
  scramMechanismOf,
  serviceAccountDescription,
  serviceAccountName,
  serviceAccountPrefix,
  serviceAccountStack,
} from './confluent-cloud.js';
export * from './service-env.js';
export * from './metrics.js';
export * from './secret-refs.js';
export * from './dapr-runtime.js';
export * from './dapr-routes.js';
export * from './operators.js';
export * from './health.js';
export * from './consumer-groups.js';
export * from './websocket-token.js';
export * from './images.js';
export * from './production.js';
export * from './dapr-app-token.js';
export * from './message-limits.js';
