/**
 * The policy pack on a production stack on Confluent Cloud: the confluent
 * stack's spec run as `prod` (under mocks, ConfigGroups expanded), whose topics
 * are @pulumi/confluentcloud `KafkaTopic`s. The production topic rules read
 * them as they read every other rendering: they pass as the program registers
 * them, and fail on a copy with too few in-sync replicas or without protection.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { readStackConfig, stackFile } from '../../platform/index.js';
import { POLICIES } from '../../policy/policies.js';
import { REPO_ROOT, runProgramOk } from '../infra/harness.js';
import { altered, find, programResources, resourceViolations, stackViolations, type AnalyzedResource } from './resources.js';

const TOPIC = 'confluentcloud:index/kafkaTopic:KafkaTopic';

let resources: AnalyzedResource[];

beforeAll(async () => {
  const run = await runProgramOk('prod', {
    platform: readStackConfig(stackFile(REPO_ROOT, 'confluent')),
    secrets: {
      confluentCloudApiKey: 'CLOUDKEY',
      confluentCloudApiSecret: 'CLOUDSECRET',
      databaseUrl: 'postgres://todo:x@db.prod:5432/todo',
    },
  });
  resources = programResources(run, 'prod');
});

describe('the policy pack on a prod stack on Confluent Cloud', () => {
  test('finds no violation of any policy in what the program registers, its four KafkaTopics included', () => {
    expect(resources.filter((r) => r.type === TOPIC).map((r) => r.props.topicName)).toEqual([
      'reminders',
      'task-events',
      'task-events-dlq',
      'task-updates',
    ]);
    for (const policy of POLICIES) {
      const found = 'validateStack' in policy ? stackViolations(policy.name, resources) : resourceViolations(policy.name, resources);
      expect({ [policy.name]: found }).toEqual({ [policy.name]: Array.isArray(found) ? [] : {} });
    }
  });

  test('prod-topic-durability refuses a KafkaTopic with min.insync.replicas 1, or none set; its replicas are always 3', () => {
    const one = altered(find(resources, TOPIC, 'kafka-task-events'), (p) => {
      p.config['min.insync.replicas'] = '1';
    });
    const unset = altered(find(resources, TOPIC, 'kafka-reminders'), (p) => delete p.config['min.insync.replicas']);
    expect(resourceViolations('prod-topic-durability', [one, unset])).toEqual({
      [`${TOPIC} kafka-task-events`]: ['topic task-events has min.insync.replicas 1; production needs at least 2'],
      [`${TOPIC} kafka-reminders`]: ['topic reminders has min.insync.replicas (unset, the broker default); production needs at least 2'],
    });
    const policy = POLICIES.find((p) => p.name === 'prod-topic-durability')!;
    expect(policy.description).toContain('Confluent Cloud keeps 3 replicas of every topic');
  });

  test('prod-topic-protected refuses a KafkaTopic Pulumi may delete or replace', () => {
    const unprotected = altered(find(resources, TOPIC, 'kafka-task-events'), () => undefined, false);
    expect(resourceViolations('prod-topic-protected', [unprotected])).toEqual({
      [`${TOPIC} kafka-task-events`]: ['topic task-events is not protected; deleting or replacing it would delete its messages'],
    });
  });
});
