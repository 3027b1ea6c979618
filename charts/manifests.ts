import { ApiObject, Chart, type App } from 'cdk8s';
import type { IConstruct } from 'constructs';
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
  return synthesizeCharts(buildPlatformApp(spec, CHARTS, options));
}

/**
 * What `chart.toJson()` gives for each chart of `app`, in `app.charts`
 * order, preparing the app once. cdk8s's `toJson` validates every construct
 * of the whole app and infers dependencies across it for each chart it
 * synthesizes (and `app.charts` builds one more graph of all of them): eight
 * charts walked the whole tree about twenty times, 40 % of a 10,000-topic
 * synthesis. Without any construct dependency (our charts declare none) the
 * order of a chart's objects is the tree's pre-order, so each chart's objects
 * are listed directly; with one, it is left to cdk8s.
 */
export function synthesizeCharts(app: App): ChartManifests[] {
  const constructs = app.node.findAll();
  const errors = constructs.flatMap((c) => c.node.validate().map((error) => `[${c.node.path}] ${error}`));
  if (errors.length > 0) throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
  const charts = app.node.children.filter((c): c is Chart => Chart.isChart(c));
  const nested = constructs.some((c) => Chart.isChart(c) && c.node.scope !== app);
  if (nested || constructs.some((c) => c.node.dependencies.length > 0)) {
    return app.charts.map((chart) => ({ chart: chart.node.id, objects: chart.toJson() as Record<string, unknown>[] }));
  }
  return charts.map((chart) => ({
    chart: chart.node.id,
    objects: chart.node
      .findAll()
      .filter((c: IConstruct): c is ApiObject => c instanceof ApiObject)
      .map((object) => object.toJson() as Record<string, unknown>),
  }));
}
