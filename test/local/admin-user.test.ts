/** The platform admin is the one superuser: over SASL it may do what every other user is refused. */
import { Admin, ConfigResourceTypes } from '@platformatic/kafka';
import { ADMIN_USER } from '../../platform/index.js';
import { LOCAL_NODE_ID } from '../../scripts/local/kafka-config.js';
import { describeWithBroker, kafkaClientConfig, readLocalEnv } from '../support/local-env.js';

describeWithBroker(`the admin user ${ADMIN_USER} is a superuser on the SASL listener`, () => {
  let admin: Admin;

  beforeAll(() => {
    const env = readLocalEnv();
    expect(env.admin.username).toBe(ADMIN_USER);
    admin = new Admin({ ...kafkaClientConfig(env.admin, 'admin-user-test'), retries: 0 });
  });
  afterAll(() => admin.close());

  it('creates and deletes a topic', async () => {
    const name = 'admin-user-test-topic';
    const [created] = await admin.createTopics({ topics: [name], partitions: 1, replicas: 1 });
    expect(created!.name).toBe(name);
    await admin.deleteTopics({ topics: [name] });
    expect(await admin.listTopics()).not.toContain(name);
  });

  it('reads the broker configs', async () => {
    const [broker] = await admin.describeConfigs({
      resources: [
        { resourceType: ConfigResourceTypes.BROKER, resourceName: String(LOCAL_NODE_ID), configurationKeys: ['authorizer.class.name'] },
      ],
    });
    expect(broker!.configs.find((c) => c.name === 'authorizer.class.name')!.value).toBe(
      'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    );
  });
});
