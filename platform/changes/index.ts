/**
 * Comparing platform states: two revisions of a stack's spec, or a spec and a
 * live cluster, and the guard rails every change passes. Pure functions over
 * plain data; the commands (`npm run plan`, `drift`, `adopt`) are in
 * scripts/changes/, `npm run synth -- --base` and the Pulumi program call the
 * same functions.
 */
export * from './change.js';
export * from './units.js';
export * from './topic-pairs.js';
export { compareSpecs, grantText, topicSummary } from './compare-specs.js';
export * from './guard-rails.js';
export * from './live-cluster.js';
export { compareWithCluster, topicDifferences, type LiveComparisonOptions, type TopicDifference } from './compare-live.js';
export * from './adoption.js';
export * from './report.js';
