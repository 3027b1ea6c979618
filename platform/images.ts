/**
 * Container images: which references the workloads run, and how a digest pins
 * one. A tag can be moved to other bytes at any time; `repository@sha256:…`
 * cannot, so a deploy that names digests runs exactly what was built and
 * pushed (the delivery workflow's build job hands its digests to the deploy
 * jobs through `IMAGE_DIGESTS_CONFIG_KEY`, see README, Delivery).
 */
import type { ConfigProblem } from './errors.js';
import { closest, show } from './suggest.js';

/** A content digest as registries report it: `sha256:` and 64 lower-case hex digits. */
export const IMAGE_DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * The third-party images the monitoring chart runs, by the key their digest
 * goes under in `images.digests`. Their tags are the pinned releases. A deploy
 * through the delivery workflow pins them by digest: its build job reads the
 * digest each tag names at that moment from the registry (`docker buildx
 * imagetools inspect`, scripts/delivery/images.ts) and passes it with the
 * services' digests. No default digest is written here: none could be read
 * from a registry where this was written, and an unverified one would pin
 * the wrong bytes. Without a deploy a stack pins them with
 * `images.digests.kafka-exporter` / `images.digests.redpanda-console`.
 */
export const THIRD_PARTY_IMAGES = {
  /** kafka_exporter (the version Strimzi 1.x ships as well). @see https://github.com/danielqsj/kafka_exporter */
  'kafka-exporter': 'danielqsj/kafka-exporter:v1.9.0',
  /** Redpanda Console. @see https://docs.redpanda.com/current/console/ */
  'redpanda-console': 'docker.redpanda.com/redpandadata/console:v3.7.3',
} as const;

export type ThirdPartyImage = keyof typeof THIRD_PARTY_IMAGES;

/**
 * The Pulumi config key (next to `todo-events:platform`) through which a
 * deploy names the digests it pushed, as JSON `{ "<service>": "sha256:…" }`;
 * it is merged over the spec's `images.digests`, by the Pulumi program and by
 * `npm run synth` alike.
 */
export const IMAGE_DIGESTS_CONFIG_KEY = 'imageDigests';

/** `repository[:tag][@digest]` → `repository` (a registry port's colon is not a tag's). */
export function imageRepository(image: string): string {
  const withoutDigest = image.split('@')[0]!;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
}

/** The image pinned to `digest` (`repository@sha256:…`, the tag dropped), or `image` itself without one. */
export function pinnedImage(image: string, digest: string | undefined): string {
  return digest ? `${imageRepository(image)}@${digest}` : image;
}

/**
 * Problems of a digest map: every key must name an image of the stack (a
 * service or a third-party image), every value must be `sha256:<64 hex>`.
 * `path` is where the map was written (`images.digests`, or the config key).
 */
export function imageDigestProblems(digests: unknown, path: string, services: readonly string[]): ConfigProblem[] {
  if (digests === undefined || digests === null) return [];
  if (typeof digests !== 'object' || Array.isArray(digests)) {
    return [{ path, message: `${show(digests)} is not a mapping`, fix: 'write { <service>: sha256:<64 hex digits> }' }];
  }
  const known = [...services, ...Object.keys(THIRD_PARTY_IMAGES)];
  const problems: ConfigProblem[] = [];
  for (const [key, value] of Object.entries(digests as Record<string, unknown>)) {
    if (!known.includes(key)) {
      const guess = closest(key, known);
      problems.push({
        path: `${path}.${key}`,
        message: `${show(key)} is not an image of this stack`,
        fix: guess ? `did you mean "${guess}"?` : `use one of ${known.join(', ')}`,
      });
    }
    if (typeof value !== 'string' || !IMAGE_DIGEST.test(value)) {
      problems.push({
        path: `${path}.${key}`,
        message: `${show(value)} is not an image digest`,
        fix: 'write sha256: followed by 64 lower-case hex digits, as the registry reports it (docker buildx imagetools inspect)',
      });
    }
  }
  return problems;
}
