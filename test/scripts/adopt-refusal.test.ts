/**
 * Adoption is for external clusters, whose program imports what `npm run
 * adopt` records (@pulumi/kafka's ids). On Confluent Cloud it is refused with
 * the reason that holds there, and the `pulumi import` that takes a topic made
 * by hand over instead; the program refuses a record on that stack the same way.
 */
import { describe, expect, test } from '@jest/globals';
import type * as pulumi from '@pulumi/pulumi';
import { readAdoption } from '../../infra/adoption.js';
import { loadPlatform, PlatformConfigError } from '../../platform/index.js';
import { adopt } from '../../scripts/changes/adopt.js';
import { REPO_ROOT } from '../support/stack-changes.js';

const CONFLUENT_REASON =
  "its topics and ACLs are @pulumi/confluentcloud resources, which take no @pulumi/kafka import ids (what npm run adopt records), and its grants go to the service accounts pulumi up creates, so none on the cluster is the stack's yet";
const CONFLUENT_INSTEAD =
  'take over a topic made by hand with pulumi import confluentcloud:index/kafkaTopic:KafkaTopic kafka-<topic> lkc-a1b2c3/<topic> ' +
  'once a first pulumi up has created the stack\'s kafka component (it stops at that topic with "already exists"), ' +
  'with --parent and --provider giving the URNs of that component and of its provider (pulumi stack --show-urns), and with ' +
  'IMPORT_KAFKA_API_KEY and IMPORT_KAFKA_API_SECRET (a Kafka API key of the cluster) and IMPORT_KAFKA_REST_ENDPOINT=https://pkc-a1b2c.us-east-1.aws.confluent.cloud:443 set; then pulumi up';

describe('adoption on Confluent Cloud', () => {
  test('npm run adopt refuses it, naming why and the pulumi import of a topic instead, and writes nothing', async () => {
    const { report, written } = await adopt({ stack: 'confluent', dir: REPO_ROOT, env: {} });
    expect(report.problems).toEqual([`stack confluent's cluster is confluent-cloud: ${CONFLUENT_REASON}; ${CONFLUENT_INSTEAD}`]);
    expect(written).toBe(false);
  });

  test('the program refuses a todo-events:adopt on that stack with the same reason and way out', () => {
    const config = { name: 'todo-events', getObject: () => ({ observed: '2026-01-01T00:00:00.000Z', topics: {}, acls: [] }) };
    const refused = () => readAdoption(loadPlatform('confluent', REPO_ROOT), config as unknown as pulumi.Config);
    expect(refused).toThrow(PlatformConfigError);
    expect(refused).toThrow(
      [
        'stack confluent (todo-events:adopt) has 1 problem:',
        `  - adopt: is set, but stack confluent's cluster is confluent-cloud: ${CONFLUENT_REASON}; remove todo-events:adopt; ${CONFLUENT_INSTEAD}`,
      ].join('\n'),
    );
  });
});
