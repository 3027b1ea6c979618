/**
 * `synthesizeManifests` prepares the cdk8s app once instead of once per
 * chart: for every stack it gives what each chart's own `toJson()` gives, in
 * `app.charts` order.
 */
import { buildPlatformApp, CHARTS } from '../../charts/platform-app.js';
import { synthesizeCharts } from '../../charts/manifests.js';
import { STACKS, stackSpec } from './fixtures.js';

describe('synthesizeCharts', () => {
  it.each(STACKS)('gives the %s stack the objects and order of cdk8s chart.toJson()', (stack) => {
    const spec = stackSpec(stack);
    const ours = synthesizeCharts(buildPlatformApp(spec, CHARTS, { gitops: true }));
    const app = buildPlatformApp(spec, CHARTS, { gitops: true });
    const theirs = app.charts.map((chart) => ({ chart: chart.node.id, objects: chart.toJson() }));
    expect(ours).toEqual(theirs);
  });
});
