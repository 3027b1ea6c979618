import { generatedSpec } from '../../bench/synth.js';

describe('the synth benchmark spec', () => {
  it.each([10, 100, 1000])('has exactly %i topics and a service per 10 of them, and passes validation', (topics) => {
    const spec = generatedSpec('strimzi', topics);
    expect(spec.topics).toHaveLength(topics);
    expect(spec.services).toHaveLength(Math.ceil((topics - 1) / 10));
    expect(spec.services.filter((s) => s.mode === 'dapr').length).toBe(Math.floor(spec.services.length / 2));
  });
});
