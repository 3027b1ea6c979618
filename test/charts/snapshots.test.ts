import { toYamlDocuments } from '../../charts/index.js';
import { stackManifests } from './fixtures.js';

// One whole-manifest snapshot per chart and stack: any change to what is
// rendered shows up in review as a YAML diff.
describe.each(['dev', 'staging', 'prod'])('the %s stack', (stack) => {
  it.each(stackManifests(stack).map((m) => [m.chart, m.objects] as const))('renders the %s chart as recorded', (_chart, objects) => {
    expect(toYamlDocuments(objects)).toMatchSnapshot();
  });
});
