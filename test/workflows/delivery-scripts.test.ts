/** The scripts the delivery workflows run: `npm run images` and `npm run pr-stacks:stale`. */
import { describe, expect, test } from '@jest/globals';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { digestsJson, dockerfileTargets, main, registryHost, serviceImages } from '../../scripts/delivery/images.js';
import { pullRequestOf, staleStacks } from '../../scripts/delivery/stale-pr-stacks.js';
import { REPO_ROOT } from '../charts/fixtures.js';

const digest = (c: string) => `sha256:${c.repeat(64)}`;

describe('npm run images', () => {
  test('lists each service once, with the repository every stack pushes it to, and the registry to log in to', () => {
    const images = serviceImages(REPO_ROOT);
    expect(images).toEqual([
      { service: 'audit', repository: 'ghcr.io/todo-app/audit-service' },
      { service: 'notification', repository: 'ghcr.io/todo-app/notification-service' },
      { service: 'recurring-task', repository: 'ghcr.io/todo-app/recurring-task-service' },
      { service: 'websocket', repository: 'ghcr.io/todo-app/websocket-service' },
    ]);
    expect(registryHost(images)).toBe('ghcr.io');
    const lines: string[] = [];
    expect(main(['--format', 'github'], REPO_ROOT, (l) => lines.push(l))).toBe(0);
    expect(lines).toEqual(['registry=ghcr.io', ...images.map((i) => `${i.service}=${i.repository}`)]);
  });

  test('refuses stacks that would push one service to two repositories', () => {
    const dir = mkdtempSync(join(tmpdir(), 'images-'));
    try {
      for (const f of ['Dockerfile', 'Pulumi.dev.yaml', 'Pulumi.staging.yaml']) cpSync(join(REPO_ROOT, f), join(dir, f));
      writeFileSync(
        join(dir, 'Pulumi.staging.yaml'),
        `  todo-events:platform:\n    images: { registry: registry.example.com/todo }\n`.replace(/^/, 'config:\n'),
      );
      expect(() => serviceImages(dir)).toThrow(
        'service audit is pushed to ghcr.io/todo-app/audit-service (dev) and registry.example.com/todo/audit-service (staging); every stack deploys one build, so they must name one repository',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("turns the build steps' and the third-party images' digests into the JSON of todo-events:imageDigests, refusing a missing or malformed one", () => {
    const images = serviceImages(REPO_ROOT);
    expect(
      digestsJson(images, [
        'websocket=' + digest('d'),
        'audit=' + digest('a'),
        'notification=' + digest('b'),
        'recurring-task=' + digest('c'),
        'redpanda-console=' + digest('f'),
        'kafka-exporter=' + digest('e'),
      ]),
    ).toBe(
      JSON.stringify({
        audit: digest('a'),
        'kafka-exporter': digest('e'),
        notification: digest('b'),
        'recurring-task': digest('c'),
        'redpanda-console': digest('f'),
        websocket: digest('d'),
      }),
    );
    expect(() =>
      digestsJson(images, ['audit=', 'notification=' + digest('b'), 'recurring-task=' + digest('c'), 'kafka-exporter=' + digest('e')]),
    ).toThrow(
      'the image digests are incomplete:\n  - audit: "" is not a sha256 digest (did its build push?)\n  - websocket: no digest (did its build push?)\n' +
        '  - redpanda-console: no digest (docker buildx imagetools inspect docker.redpanda.com/redpandadata/console:v3.7.3)',
    );
    expect(() => digestsJson(images, ['grafana=' + digest('a')])).toThrow('"grafana" is not a service or a third-party image');
    const lines: string[] = [];
    expect(main(['--format', 'third-party'], REPO_ROOT, (l) => lines.push(l))).toBe(0);
    expect(lines).toEqual([
      'kafka-exporter=danielqsj/kafka-exporter:v1.9.0',
      'redpanda-console=docker.redpanda.com/redpandadata/console:v3.7.3',
    ]);
    expect(dockerfileTargets('FROM node:22 AS build\nFROM runtime AS audit\n')).toEqual(['build', 'audit']);
  });
});

describe('npm run pr-stacks:stale', () => {
  const now = new Date('2026-12-01T03:17:00Z');
  test('names the PR stacks whose pull request is closed or unlabelled, or that nobody updated for a week, and no other stack', () => {
    expect(pullRequestOf('acme/todo-events/pr-42')).toBe(42);
    expect(pullRequestOf('prod')).toBeUndefined();
    const stacks = [
      { name: 'dev', lastUpdate: '2025-01-01T00:00:00Z' },
      { name: 'pr-1', lastUpdate: '2026-11-30T00:00:00Z' },
      { name: 'pr-2', lastUpdate: '2026-11-30T00:00:00Z' },
      { name: 'pr-3', lastUpdate: '2026-11-20T00:00:00Z' },
      { name: 'pr-4', lastUpdate: '2026-11-01T00:00:00Z', updateInProgress: true },
      { name: 'pr-5' },
    ];
    expect(staleStacks(stacks, [1, 3, 4, 5], now, 7)).toEqual(['pr-2', 'pr-3']);
  });
});
