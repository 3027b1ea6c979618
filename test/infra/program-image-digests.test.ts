/**
 * The digests a deploy pushed reach the cluster: the delivery workflow sets
 * `todo-events:imageDigests` from its build job's outputs, and the program
 * renders every Deployment with `repository@digest`, the registry and name
 * still from the spec.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { runProgramOk, type ProgramRun } from './harness.js';
import { groupObjects } from './program-checks.js';

const DIGESTS = {
  audit: `sha256:${'1'.repeat(64)}`,
  notification: `sha256:${'2'.repeat(64)}`,
  'recurring-task': `sha256:${'3'.repeat(64)}`,
  websocket: `sha256:${'4'.repeat(64)}`,
};

let run: ProgramRun;

beforeAll(async () => {
  run = await runProgramOk('dev', {
    config: { imageDigests: JSON.stringify(DIGESTS) },
    secrets: { databaseUrl: 'postgres://todo:DBPLAINTEXT@db.example:5432/todo' },
  });
});

describe('the dev program given the pushed digests', () => {
  test('runs each service image by the digest the build pushed, not by its tag', () => {
    const deployments = (groupObjects(run).get('services') ?? []).filter((o) => o.kind === 'Deployment') as {
      metadata: { name: string };
      spec: { template: { spec: { containers: { image: string }[] } } };
    }[];
    expect(Object.fromEntries(deployments.map((d) => [d.metadata.name, d.spec.template.spec.containers[0]!.image]))).toEqual({
      'audit-service': `ghcr.io/todo-app/audit-service@${DIGESTS.audit}`,
      'notification-service': `ghcr.io/todo-app/notification-service@${DIGESTS.notification}`,
      'recurring-task-service': `ghcr.io/todo-app/recurring-task-service@${DIGESTS['recurring-task']}`,
      'websocket-service': `ghcr.io/todo-app/websocket-service@${DIGESTS.websocket}`,
    });
  });
});
