/**
 * `npm run images`: the service images the delivery workflow builds, one per
 * Dockerfile target, and where it pushes them, read from the stack files (the
 * spec's `images.registry` and `services.<name>.image` stay the one place that
 * names them). Every stack deploys the same build, so the stacks must agree
 * on each service's repository; a service without a Dockerfile target is an
 * error too.
 *
 *   npm run --silent images                       # JSON: { "audit": "ghcr.io/todo-app/audit-service", … }
 *   npm run --silent images -- --format github    # key=value lines for $GITHUB_OUTPUT, plus registry=<host>
 *   npm run --silent images -- --format third-party   # kafka-exporter=danielqsj/kafka-exporter:v1.9.0 … (to resolve)
 *   npm run --silent images -- --digest audit=sha256:… --digest …   # the JSON for todo-events:imageDigests, checked
 *
 * The JSON needs a digest for every service image and every third-party
 * image: the build job resolves the pinned tags of the third-party ones to
 * the digests they name at that moment (`docker buildx imagetools inspect`),
 * so dev, staging and prod all run the same bytes, even if a tag is moved
 * between two of those deploys.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { IMAGE_DIGEST, imageRepository, listStacks, loadPlatform, PlatformConfigError, THIRD_PARTY_IMAGES } from '../../platform/index.js';

/** One service image: what the build job builds and pushes. */
export interface ServiceImage {
  /** Service name, also its Dockerfile target and its key in `images.digests`. */
  readonly service: string;
  /** `registry/name` without tag or digest. */
  readonly repository: string;
}

/** The targets of a Dockerfile (`FROM … AS <target>`). */
export function dockerfileTargets(dockerfile: string): string[] {
  return [...dockerfile.matchAll(/^FROM\s+\S+\s+AS\s+(\S+)\s*$/gim)].map((m) => m[1]!);
}

/** The service images of every stack in `dir`; throws one error naming each disagreement. */
export function serviceImages(dir: string, stacks: readonly string[] = listStacks(dir)): ServiceImage[] {
  const targets = dockerfileTargets(readFileSync(join(dir, 'Dockerfile'), 'utf8'));
  const repositories = new Map<string, Map<string, string[]>>();
  for (const stack of stacks) {
    for (const s of loadPlatform(stack, dir).services) {
      const byRepository = repositories.get(s.name) ?? new Map<string, string[]>();
      const repository = imageRepository(s.image);
      byRepository.set(repository, [...(byRepository.get(repository) ?? []), stack]);
      repositories.set(s.name, byRepository);
    }
  }
  const problems: string[] = [];
  for (const [service, byRepository] of repositories) {
    if (!targets.includes(service)) problems.push(`service ${service} has no Dockerfile target "${service}" (FROM runtime AS ${service})`);
    if (byRepository.size > 1) {
      const where = [...byRepository].map(([repository, in_]) => `${repository} (${in_.join(', ')})`).join(' and ');
      problems.push(`service ${service} is pushed to ${where}; every stack deploys one build, so they must name one repository`);
    }
  }
  if (problems.length > 0) throw new Error(`the service images disagree:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return [...repositories]
    .map(([service, byRepository]) => ({ service, repository: [...byRepository.keys()][0]! }))
    .sort((a, b) => a.service.localeCompare(b.service));
}

/** The registry host of the images (what `docker login` needs); throws when they use several. */
export function registryHost(images: readonly ServiceImage[]): string {
  const hosts = [...new Set(images.map((i) => (i.repository.includes('/') ? i.repository.split('/')[0]! : 'docker.io')))];
  if (hosts.length !== 1)
    throw new Error(`the service images live in ${hosts.length} registries (${hosts.join(', ')}); the build job logs in to one`);
  return hosts[0]!;
}

/** `key=image` lines of the third-party images, for the build job to resolve to digests. */
function thirdPartyLines(): string[] {
  return Object.entries(THIRD_PARTY_IMAGES).map(([key, image]) => `${key}=${image}`);
}

/**
 * `--digest <image>=<sha256:…>` for every service and every third-party
 * image, checked, as the JSON of `todo-events:imageDigests`.
 */
export function digestsJson(images: readonly ServiceImage[], pairs: readonly string[]): string {
  const required = new Map<string, string>([
    ...images.map((i) => [i.service, 'did its build push?'] as const),
    ...Object.entries(THIRD_PARTY_IMAGES).map(([key, image]) => [key, `docker buildx imagetools inspect ${image}`] as const),
  ]);
  const digests: Record<string, string> = {};
  const problems: string[] = [];
  for (const pair of pairs) {
    const [key = '', digest = ''] = pair.split('=', 2);
    if (!required.has(key)) problems.push(`${JSON.stringify(key)} is not a service or a third-party image`);
    else if (!IMAGE_DIGEST.test(digest)) problems.push(`${key}: ${JSON.stringify(digest)} is not a sha256 digest (${required.get(key)})`);
    else digests[key] = digest;
  }
  for (const [key, hint] of required)
    if (!(key in digests) && !problems.some((p) => p.startsWith(`${key}:`))) problems.push(`${key}: no digest (${hint})`);
  if (problems.length > 0) throw new Error(`the image digests are incomplete:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return JSON.stringify(Object.fromEntries(Object.entries(digests).sort(([a], [b]) => a.localeCompare(b))));
}

const USAGE = 'usage: npm run --silent images [-- --format json|github|third-party] [--digest <image>=sha256:<hex> ...]';

/** The CLI: 0 on success, 1 when the stacks or digests disagree, 2 on bad arguments. */
export function main(argv: readonly string[], dir = process.cwd(), print: (line: string) => void = console.log): number {
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      options: { format: { type: 'string', default: 'json' }, digest: { type: 'string', multiple: true } },
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { format, digest } = args.values;
  if (format !== 'json' && format !== 'github' && format !== 'third-party') {
    console.error(`--format ${format} is not json, github or third-party\n${USAGE}`);
    return 2;
  }
  try {
    const images = serviceImages(resolve(dir));
    if (digest) print(digestsJson(images, digest));
    else if (format === 'third-party') for (const line of thirdPartyLines()) print(line);
    else if (format === 'github') {
      print(`registry=${registryHost(images)}`);
      for (const i of images) print(`${i.service}=${i.repository}`);
    } else print(JSON.stringify(Object.fromEntries(images.map((i) => [i.service, i.repository]))));
    return 0;
  } catch (err) {
    if (!(err instanceof PlatformConfigError) && !(err instanceof Error)) throw err;
    console.error(err.message);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
