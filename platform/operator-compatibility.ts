/**
 * What each pinned operator release accepts, so that a version it would
 * refuse is a config error at `pulumi preview` instead of a cluster that never
 * starts. The facts come from the operators themselves:
 *
 * - Strimzi: a release runs only the Kafka versions its `kafka-versions.yaml`
 *   marks `supported: true`; any other `Kafka.spec.kafka.version` is refused by
 *   the cluster operator (status `UnsupportedKafkaVersionException`), and the
 *   entry marked `default: true` is what it runs when none is given. Copied
 *   from strimzi/strimzi-kafka-operator `kafka-versions.yaml` at the release
 *   tag (../shared/operators/strimzi-1.2.0-kafka-versions.yaml; a test keeps
 *   this table equal to that file). Pinning another Strimzi release means adding
 *   its row here from the same file of that tag.
 * - Redpanda: since 25.1 the operator and chart versions follow Redpanda's
 *   feature releases (`YY.F.patch`, three feature releases a year), and each
 *   operator version supports the Redpanda feature release it is named after
 *   plus the one before and the one after (docs.redpanda.com, "Kubernetes
 *   Compatibility", and Redpanda's 2025-05-06 guide to Redpanda on Kubernetes:
 *   operator v25.2.x runs Redpanda 25.1, 25.2 and 25.3).
 */

/** Kafka versions one Strimzi release runs. */
export interface StrimziKafkaVersions {
  /** `supported: true` entries, oldest first. */
  readonly supported: readonly string[];
  /** The `default: true` entry. */
  readonly default: string;
}

/** Per pinned Strimzi release: the Kafka versions its cluster operator accepts. */
export const STRIMZI_KAFKA_VERSIONS: Readonly<Record<string, StrimziKafkaVersions>> = {
  '1.2.0': { supported: ['4.2.0', '4.2.1', '4.3.0', '4.3.1'], default: '4.3.1' },
};

/** Why a Kafka version cannot run on a Strimzi release, or undefined when it can. */
export function strimziKafkaVersionProblem(strimziVersion: string, kafkaVersion: string): { message: string; fix: string } | undefined {
  const versions = STRIMZI_KAFKA_VERSIONS[strimziVersion];
  if (!versions) {
    return {
      message: `Strimzi ${strimziVersion} has no known list of supported Kafka versions`,
      fix: `pin a Strimzi release this project knows (${Object.keys(STRIMZI_KAFKA_VERSIONS).join(', ')}), or add its kafka-versions.yaml entries to STRIMZI_KAFKA_VERSIONS in platform/operator-compatibility.ts`,
    };
  }
  if (versions.supported.includes(kafkaVersion)) return undefined;
  return {
    message: `Kafka ${kafkaVersion} is not supported by Strimzi ${strimziVersion}, which refuses it (it runs ${versions.supported.join(', ')})`,
    fix: `write one of ${versions.supported.join(', ')}, or remove cluster.version to get ${versions.default}`,
  };
}

/** A Redpanda feature release, `YY.F`, from an image tag or chart version such as `v26.2.1` or `26.2.1`. */
export interface FeatureRelease {
  readonly year: number;
  readonly feature: number;
}

/** Redpanda ships three feature releases a year (`.1`, `.2`, `.3`). */
const FEATURES_PER_YEAR = 3;

export function redpandaFeatureRelease(version: string): FeatureRelease | undefined {
  const match = /^v?(\d{2})\.([1-3])\.\d+(?:-[0-9A-Za-z.-]+)?$/.exec(version);
  return match ? { year: Number(match[1]), feature: Number(match[2]) } : undefined;
}

function ordinal(r: FeatureRelease): number {
  return r.year * FEATURES_PER_YEAR + (r.feature - 1);
}

function show(r: FeatureRelease): string {
  return `${r.year}.${r.feature}`;
}

/** The feature releases a Redpanda operator chart version supports: its own and its two neighbours. */
export function redpandaSupportedReleases(chartVersion: string): string[] | undefined {
  const chart = redpandaFeatureRelease(chartVersion);
  if (!chart) return undefined;
  return [-1, 0, 1].map((offset) => {
    const n = ordinal(chart) + offset;
    return show({ year: Math.floor(n / FEATURES_PER_YEAR), feature: (n % FEATURES_PER_YEAR) + 1 });
  });
}

/** Why a Redpanda image cannot run under an operator chart version, or undefined when it can. */
export function redpandaImageProblem(chartVersion: string, imageTag: string): { message: string; fix: string } | undefined {
  const supported = redpandaSupportedReleases(chartVersion);
  if (!supported) {
    return {
      message: `operator chart version ${chartVersion} is not a Redpanda release version (YY.F.patch)`,
      fix: 'pin an operator chart version such as 26.2.1 (charts since 25.1 follow Redpanda releases)',
    };
  }
  const image = redpandaFeatureRelease(imageTag);
  if (!image) {
    return {
      message: `image tag ${imageTag} is not a Redpanda release tag (vYY.F.patch)`,
      fix: `write a tag such as v${supported[1]}.1`,
    };
  }
  if (supported.includes(show(image))) return undefined;
  return {
    message: `Redpanda ${show(image)} is not supported by operator chart ${chartVersion}, which runs Redpanda ${supported.join(', ')}`,
    fix: `use a v${supported[1]}.x image, or pin the operator chart of the ${show(image)} release`,
  };
}
