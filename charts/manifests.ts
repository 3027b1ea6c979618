import type { Chart } from 'cdk8s';
import type { PlatformSpec } from '../platform/index.js';
import { buildPlatformApp, CHARTS, type PlatformAppOptions } from './platform-app.js';

/** The objects of one chart, as plain JSON-ready data. */
export interface ChartManifests {
  /** Chart name from the registry, e.g. `kafka-topics`. */
  readonly chart: string;
  /** The chart's Kubernetes objects in apply order; no Secret values, only references. */
  readonly objects: Record<string, unknown>[];
}

/**
 * Every chart's objects for `spec`, in registry order (the order to apply
 * them in). Deterministic: the same spec gives deep-equal output. The Pulumi
 * program applies each entry as one ConfigGroup; `npm run synth` writes each
 * to `dist/<stack>/<chart>.k8s.yaml`, with `{ gitops: true }` for the charts
 * only `dist/` gets (the ExternalSecrets).
 */
export function synthesizeManifests(
  spec: PlatformSpec,
  options: PlatformAppOptions = {},
): { chart: string; objects: Record<string, unknown>[] }[] {
  const app = buildPlatformApp(spec, CHARTS, options);
  return app.charts.map((chart: Chart) => ({ chart: chart.node.id, objects: chart.toJson() as Record<string, unknown>[] }));
}
