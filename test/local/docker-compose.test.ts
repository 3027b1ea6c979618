/** The Docker alternative stays in step with the spec (no Docker needed to check it). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CLUSTER_VERSIONS, loadPlatform } from '../../platform/index.js';
import { REPO_ROOT } from '../../scripts/local/paths.js';
import { rpkTopicCommands } from '../../scripts/local/rpk-commands.js';

interface Compose {
  services: Record<string, { image: string }>;
}

const compose = parse(readFileSync(join(REPO_ROOT, 'docker-compose.redpanda.yml'), 'utf8')) as Compose;

describe('docker-compose.redpanda.yml', () => {
  it("runs the dev stack's Redpanda version", () => {
    expect(compose.services.redpanda!.image).toBe(`docker.redpanda.com/redpandadata/redpanda:${CLUSTER_VERSIONS.redpanda}`);
  });

  it('pins every image to a version tag, never latest', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect([name, service.image]).toEqual([name, expect.stringMatching(/:v\d+\.\d+\.\d+$/)]);
    }
  });
});

describe('rpkTopicCommands', () => {
  it('creates task-events with 3 partitions and the retention of the spec', () => {
    const line = rpkTopicCommands(loadPlatform('dev')).find((l) => l.startsWith('rpk topic create task-events '));
    expect(line).toBe(
      'rpk topic create task-events --partitions 3 --replicas 1 --topic-config cleanup.policy=delete --topic-config min.insync.replicas=1 --topic-config retention.ms=604800000',
    );
  });

  it('prints one command per topic of the stack', () => {
    const spec = loadPlatform('staging');
    expect(rpkTopicCommands(spec).map((l) => l.split(' ')[3])).toEqual(spec.topics.map((t) => t.name));
  });
});
