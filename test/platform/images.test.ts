/** Image references: digests pin them, from the stack file or from the deploy's `todo-events:imageDigests`. */
import { describe, expect, test } from '@jest/globals';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  imageRepository,
  loadPlatform,
  pinnedImage,
  platformFromConfig,
  THIRD_PARTY_IMAGES,
  validatePlatform,
  type PlatformConfig,
} from '../../platform/index.js';
import { findObject, fullManifestsOf, REPO_ROOT } from '../charts/fixtures.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const OTHER = `sha256:${'b'.repeat(64)}`;

const imageOf = (manifests: ReturnType<typeof fullManifestsOf>, name: string) =>
  (findObject(manifests, 'Deployment', name) as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } }).spec
    .template.spec.containers[0]!.image;

describe('image references', () => {
  test('lose their tag, not a registry port, when a digest pins them', () => {
    expect(imageRepository('registry.local:5000/todo/audit-service:0.1.0')).toBe('registry.local:5000/todo/audit-service');
    expect(imageRepository('registry.local:5000/todo/audit-service')).toBe('registry.local:5000/todo/audit-service');
    expect(pinnedImage('ghcr.io/todo-app/audit-service:0.1.0', DIGEST)).toBe(`ghcr.io/todo-app/audit-service@${DIGEST}`);
    expect(pinnedImage(`ghcr.io/todo-app/audit-service@${OTHER}`, DIGEST)).toBe(`ghcr.io/todo-app/audit-service@${DIGEST}`);
    expect(pinnedImage('ghcr.io/todo-app/audit-service:0.1.0', undefined)).toBe('ghcr.io/todo-app/audit-service:0.1.0');
  });

  test('make the synthesized Deployments run repository@digest instead of the tag, third-party images included', () => {
    const spec = platformFromConfig('prod-like', {
      cluster: { flavor: 'external', bootstrapServers: 'kafka.example.com:9092', brokers: 3, tls: true },
      images: { digests: { audit: DIGEST, 'kafka-exporter': OTHER } },
    });
    const manifests = fullManifestsOf(spec);
    expect(imageOf(manifests, 'audit-service')).toBe(`ghcr.io/todo-app/audit-service@${DIGEST}`);
    expect(imageOf(manifests, 'notification-service')).toBe('ghcr.io/todo-app/notification-service:0.1.0');
    expect(imageOf(manifests, 'todo-kafka-kafka-exporter')).toBe(`danielqsj/kafka-exporter@${OTHER}`);
    expect(imageOf(manifests, 'redpanda-console')).toBe(THIRD_PARTY_IMAGES['redpanda-console']);
    expect(spec.images.digests).toEqual({ audit: DIGEST, 'kafka-exporter': OTHER });
  });

  test('refuse a digest that is not sha256:<64 hex> and a key that names no image of the stack', () => {
    const config: PlatformConfig = { images: { digests: { audit: 'sha256:abc', 'recuring-task': DIGEST } } };
    expect(validatePlatform(config)).toEqual([
      {
        path: 'images.digests.audit',
        message: '"sha256:abc" is not an image digest',
        fix: 'write sha256: followed by 64 lower-case hex digits, as the registry reports it (docker buildx imagetools inspect)',
      },
      {
        path: 'images.digests.recuring-task',
        message: '"recuring-task" is not an image of this stack',
        fix: 'did you mean "recurring-task"?',
      },
    ]);
  });
});

describe("the deploy's digests (todo-events:imageDigests)", () => {
  const withDigests = (value: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'digests-'));
    copyFileSync(join(REPO_ROOT, 'Pulumi.dev.yaml'), join(dir, 'Pulumi.dev.yaml'));
    writeFileSync(join(dir, 'Pulumi.dev.yaml'), `  todo-events:imageDigests: '${value}'\n`, { flag: 'a' });
    return dir;
  };

  test('are read from the stack file as `pulumi config set` writes them, and pin the services npm run synth renders', () => {
    const dir = withDigests(JSON.stringify({ audit: DIGEST, websocket: OTHER }));
    try {
      const spec = loadPlatform('dev', dir);
      expect(spec.services.find((s) => s.name === 'audit')!.image).toBe(`ghcr.io/todo-app/audit-service@${DIGEST}`);
      expect(spec.services.find((s) => s.name === 'websocket')!.image).toBe(`ghcr.io/todo-app/websocket-service@${OTHER}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('are reported at their own key when one is not a digest', () => {
    const dir = withDigests(JSON.stringify({ audit: 'latest' }));
    try {
      expect(() => loadPlatform('dev', dir)).toThrow(
        `${join(dir, 'Pulumi.dev.yaml')} has 1 problem:\n  - todo-events:imageDigests.audit: "latest" is not an image digest;`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
