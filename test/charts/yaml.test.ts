/**
 * The manifests' YAML writer is `yaml`'s own output, byte for byte: on every
 * object of every stack (all charts, GitOps ones included), of a generated
 * 1,000-topic platform, and on the values that are easy to get wrong.
 */
import { stringify } from 'yaml';
import { buildPlatformApp, CHARTS } from '../../charts/platform-app.js';
import { synthesizeCharts } from '../../charts/manifests.js';
import { toYamlDocument, toYamlDocuments } from '../../charts/yaml.js';
import { generatedSpec } from '../../bench/synth.js';
import { STACKS, stackSpec } from './fixtures.js';

const reference = (object: unknown) => stringify(object, { lineWidth: 0 });

describe('toYamlDocuments', () => {
  it.each(STACKS)('writes every object of the %s stack exactly as yaml.stringify does', (stack) => {
    const objects = synthesizeCharts(buildPlatformApp(stackSpec(stack), CHARTS, { gitops: true })).flatMap((c) => c.objects);
    const differing = objects
      .filter((o) => toYamlDocument(o) !== reference(o))
      .map((o) => `${o.kind}/${(o.metadata as { name: string }).name}`);
    expect(differing).toEqual([]);
  });

  it('writes every object of a generated 1,000-topic platform exactly as yaml.stringify does', () => {
    for (const flavor of ['strimzi', 'redpanda'] as const) {
      const objects = synthesizeCharts(buildPlatformApp(generatedSpec(flavor, 1000), CHARTS)).flatMap((c) => c.objects);
      expect(objects.filter((o) => toYamlDocument(o) !== reference(o)).length).toBe(0);
    }
  });

  const tricky: Array<[string, unknown]> = [
    ['an empty mapping', {}],
    ['an empty sequence', []],
    ['empty collections as values and items', { a: [], b: {}, c: [{}], d: [[]] }],
    ['sequences of sequences and mappings', { e: [[1, 2], [3]], f: [{ x: 1, y: [1, { z: 'q' }] }, [{ a: 1, b: 2 }]] }],
    ['multi-line strings as values and items', { s: 'one\ntwo\n\nfour', t: ['a\nb', 'c'], u: [['x\ny']], v: 'trailing newline\n' }],
    [
      'strings that read as other types',
      ['yes', 'no', 'null', 'Null', 'true', 'FALSE', '~', '123', '0x1F', '0o17', '1e3', '.inf', '-.5', ''],
    ],
    [
      'strings with indicators',
      ['- a', 'a: b', 'a #b', '#x', '-x', 'x-', '?', ':x', 'x:', '{a}', '[a]', 'a,b', '*a', '&a', '!a', '|', '>', '%a', '@a', '`a'],
    ],
    ['strings with quotes, spaces, tabs and non-ASCII', ["it's", 'say "hi"', ' lead', 'trail ', 'x  y', 'tab\there', 'é ü', '😀']],
    ['numbers', [0, -0, 1.5, -2, 1e21, 1e-7, Number.MAX_SAFE_INTEGER, Number.NaN, Infinity]],
    ['keys that are not plain', { 'key with: colon': 1, '': 2, '123': 3, 'a b': 4, true: 5, 'x\ny': 6 }],
    ['undefined values (left out) and null', { a: undefined, b: null, c: [null] }],
    [
      'a shared object (anchors)',
      (() => {
        const shared = { a: 1 };
        return { x: shared, y: shared };
      })(),
    ],
    ['undefined in a sequence', [1, undefined, 2]],
    ['a top-level scalar', 'just a string'],
  ];
  it.each(tricky)('writes %s as yaml.stringify does', (_name, value) => {
    expect(toYamlDocument(value)).toBe(reference(value));
  });

  it('separates documents with ---', () => {
    expect(toYamlDocuments([{ a: 1 }, { b: 2 }])).toBe('a: 1\n---\nb: 2\n');
  });
});
