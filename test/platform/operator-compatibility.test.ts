import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { loadPlatform, validatePlatform } from '../../platform/index.js';
import { redpandaSupportedReleases, STRIMZI_KAFKA_VERSIONS } from '../../platform/operator-compatibility.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SHARED_OPERATORS = fileURLToPath(new URL('../../../shared/operators', import.meta.url));

function problems(config: unknown): string[] {
  return validatePlatform(config).map((p) => `${p.path}: ${p.message}; ${p.fix}`);
}

describe('Kafka versions on Strimzi', () => {
  it('refuses a Kafka version the pinned Strimzi release does not run, naming the ones it does', () => {
    expect(problems({ cluster: { flavor: 'strimzi', version: '4.1.1' } })).toEqual([
      'cluster.version: Kafka 4.1.1 is not supported by Strimzi 1.2.0, which refuses it (it runs 4.2.0, 4.2.1, 4.3.0, 4.3.1); write one of 4.2.0, 4.2.1, 4.3.0, 4.3.1, or remove cluster.version to get 4.3.1',
    ]);
  });

  it('accepts every supported version and resolves an unset one to the release default', () => {
    for (const version of STRIMZI_KAFKA_VERSIONS['1.2.0']!.supported) {
      expect(problems({ cluster: { flavor: 'strimzi', version } })).toEqual([]);
    }
    expect(loadPlatform('staging', REPO_ROOT).cluster.version).toBe('4.3.1');
  });

  it('refuses a Strimzi release whose Kafka versions are not known', () => {
    expect(problems({ cluster: { flavor: 'strimzi' }, operators: { strimzi: { version: '9.9.9' } } })).toEqual([
      'operators.strimzi.version: Strimzi 9.9.9 has no known list of supported Kafka versions; pin a Strimzi release this project knows (1.2.0), or add its kafka-versions.yaml entries to STRIMZI_KAFKA_VERSIONS in platform/operator-compatibility.ts',
    ]);
  });

  const shippedList = `${SHARED_OPERATORS}/strimzi-1.2.0-kafka-versions.yaml`;
  (existsSync(shippedList) ? it : it.skip)('matches the kafka-versions.yaml Strimzi 1.2.0 ships', () => {
    const entries = parse(readFileSync(shippedList, 'utf8')) as { version: string; supported: boolean; default: boolean }[];
    expect(STRIMZI_KAFKA_VERSIONS['1.2.0']).toEqual({
      supported: entries.filter((e) => e.supported).map((e) => e.version),
      default: entries.find((e) => e.default)!.version,
    });
  });
});

describe('Redpanda images under the operator chart', () => {
  it('runs the feature release the chart is named after and its two neighbours', () => {
    expect(redpandaSupportedReleases('26.2.1')).toEqual(['26.1', '26.2', '26.3']);
    expect(redpandaSupportedReleases('25.1.3')).toEqual(['24.3', '25.1', '25.2']);
    expect(redpandaSupportedReleases('25.3.0')).toEqual(['25.2', '25.3', '26.1']);
  });

  it('accepts a neighbouring image and refuses one two releases away', () => {
    expect(problems({ cluster: { flavor: 'redpanda', version: 'v26.3.2' } })).toEqual([]);
    expect(problems({ cluster: { flavor: 'redpanda', version: 'v25.3.4' } })).toEqual([
      'cluster.version: Redpanda 25.3 is not supported by operator chart 26.2.1, which runs Redpanda 26.1, 26.2, 26.3; use a v26.2.x image, or pin the operator chart of the 25.3 release',
    ]);
  });

  it('refuses a tag that is not a Redpanda release', () => {
    expect(problems({ cluster: { flavor: 'redpanda', version: 'latest' } })).toEqual([
      'cluster.version: image tag latest is not a Redpanda release tag (vYY.F.patch); write a tag such as v26.2.1',
    ]);
  });

  it('judges the default image against a re-pinned chart', () => {
    expect(problems({ operators: { redpanda: { version: '25.1.4' } } })).toEqual([
      'operators.redpanda.version: Redpanda 26.2 is not supported by operator chart 25.1.4, which runs Redpanda 24.3, 25.1, 25.2; use a v25.1.x image, or pin the operator chart of the 26.2 release',
    ]);
  });
});

describe('operator chart sources', () => {
  it('accepts a mirror as a Helm repository or an OCI reference', () => {
    expect(
      problems({
        operators: {
          redpanda: { repository: 'https://charts.corp.example/redpanda' },
          strimzi: { chart: 'oci://registry.corp.example/strimzi-kafka-operator' },
        },
      }),
    ).toEqual([]);
  });

  it('lists every problem of the chart settings at once', () => {
    expect(
      problems({
        operators: {
          strimzi: { repository: 'https://charts.corp.example' },
          dapr: { repository: null, version: '^1.18' },
          redpanda: { repository: 'charts.corp.example' },
        },
      }),
    ).toEqual([
      'operators.strimzi.repository: "https://charts.corp.example" is set, but chart "oci://quay.io/strimzi-helm/strimzi-kafka-operator" is an OCI reference; write repository: null for an oci:// chart',
      'operators.redpanda.repository: "charts.corp.example" is not a Helm repository URL; write an http(s):// URL such as https://charts.example.com/mirror',
      'operators.dapr.repository: is null, but chart "dapr" is not an oci:// reference; write the Helm repository URL that serves "dapr", or an oci:// chart reference',
      'operators.dapr.version: "^1.18" is not a pinned chart version; write an exact version such as 1.2.0; ranges would make `pulumi up` unrepeatable',
    ]);
  });
});
