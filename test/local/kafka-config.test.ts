/** The local broker's configuration, storage arguments and Maven pom (no broker needed). */
import { ADMIN_USER } from '../../platform/index.js';
import { scramArguments } from '../../scripts/local/kafka-broker.js';
import { brokerProperties, clusterId, plainJaasConfig, renderProperties } from '../../scripts/local/kafka-config.js';
import { javaMajorVersion, KAFKA_DIST, kafkaPom } from '../../scripts/local/kafka-dist.js';

const ports = { plaintext: 19092, sasl: 19094, plain: 19095, controller: 19093 };

describe('brokerProperties', () => {
  const props = brokerProperties({ ports, dataDir: '/tmp/k' });

  it('has no SASL_PLAIN listener when it is given no port (SCRAM only)', () => {
    const scramOnly = brokerProperties({ ports: { plaintext: 19092, sasl: 19094, controller: 19093 }, dataDir: '/tmp/k' });
    expect(scramOnly.listeners).toBe('PLAINTEXT://127.0.0.1:19092,SASL_PLAINTEXT://127.0.0.1:19094,CONTROLLER://127.0.0.1:19093');
    expect(Object.keys(scramOnly).filter((k) => k.includes('sasl_plain.'))).toEqual([]);
  });

  it('runs one combined KRaft node whose quorum is itself', () => {
    expect(props['process.roles']).toBe('broker,controller');
    expect(props['controller.quorum.bootstrap.servers']).toBe('127.0.0.1:19093');
    expect(props['controller.listener.names']).toBe('CONTROLLER');
  });

  it('listens on loopback with PLAINTEXT, SASL_PLAINTEXT (SCRAM), SASL_PLAIN and a PLAINTEXT controller, advertising only the client listeners', () => {
    expect(props.listeners).toBe(
      'PLAINTEXT://127.0.0.1:19092,SASL_PLAINTEXT://127.0.0.1:19094,SASL_PLAIN://127.0.0.1:19095,CONTROLLER://127.0.0.1:19093',
    );
    expect(props['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:19092,SASL_PLAINTEXT://127.0.0.1:19094,SASL_PLAIN://127.0.0.1:19095');
    expect(props['listener.security.protocol.map']).toBe(
      'PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_PLAIN:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT',
    );
  });

  it('offers only PLAIN on the SASL_PLAIN listener, with one user_<name> option per user, and leaves SCRAM on the other', () => {
    const users = new Map([
      ['audit-service', 'Abc123'],
      ['platform-admin', 'Xyz789'],
    ]);
    const withUsers = brokerProperties({ ports, dataDir: '/tmp/k', plainUsers: users });
    expect(withUsers['listener.name.sasl_plain.sasl.enabled.mechanisms']).toBe('PLAIN');
    expect(withUsers['listener.name.sasl_plain.plain.sasl.jaas.config']).toBe(
      'org.apache.kafka.common.security.plain.PlainLoginModule required user_audit-service="Abc123" user_platform-admin="Xyz789";',
    );
    expect(withUsers['sasl.enabled.mechanisms']).toBe('SCRAM-SHA-256,SCRAM-SHA-512');
    expect(Object.keys(withUsers).filter((k) => k.startsWith('listener.name.sasl_plaintext.'))).toEqual([
      'listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config',
      'listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config',
    ]);
  });

  it('refuses a PLAIN password that would end the JAAS option early', () => {
    expect(() => plainJaasConfig(new Map([['u', 'a"b']]))).toThrow('password of u must be alphanumeric to sit in the PLAIN JAAS line');
  });

  it('enables both SCRAM mechanisms, each with its JAAS line on the SASL listener', () => {
    expect(props['sasl.enabled.mechanisms']).toBe('SCRAM-SHA-256,SCRAM-SHA-512');
    const jaas = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';
    expect(props['listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config']).toBe(jaas);
    expect(props['listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config']).toBe(jaas);
  });

  it('authorizes with StandardAuthorizer; the admin and ANONYMOUS (the PLAINTEXT link) are the only superusers', () => {
    expect(props['authorizer.class.name']).toBe('org.apache.kafka.metadata.authorizer.StandardAuthorizer');
    expect(props['super.users']).toBe(`User:${ADMIN_USER};User:ANONYMOUS`);
    expect(props['allow.everyone.if.no.acl.found']).toBe('false');
  });

  it('replicates internal topics once and starts group rebalances without delay', () => {
    for (const key of ['offsets.topic.replication.factor', 'transaction.state.log.replication.factor', 'transaction.state.log.min.isr']) {
      expect([key, props[key]]).toEqual([key, '1']);
    }
    expect(props['group.initial.rebalance.delay.ms']).toBe('0');
    expect(props['auto.create.topics.enable']).toBe('false');
  });

  it('renders one key=value line per property', () => {
    const text = renderProperties({ a: '1', 'b.c': 'x;y' });
    expect(text.split('\n').slice(1)).toEqual(['a=1', 'b.c=x;y', '']);
  });
});

describe('scramArguments', () => {
  it('adds one --add-scram per user and mechanism', () => {
    expect(scramArguments(new Map([['audit-service', 'Abc123']]))).toEqual([
      '--add-scram',
      'SCRAM-SHA-256=[name=audit-service,password=Abc123]',
      '--add-scram',
      'SCRAM-SHA-512=[name=audit-service,password=Abc123]',
    ]);
  });

  it('refuses a password the storage tool would split', () => {
    expect(() => scramArguments(new Map([['u', 'a,b']]))).toThrow(
      'password of u must be alphanumeric: --add-scram splits on commas and brackets',
    );
  });
});

describe('clusterId', () => {
  it('is 22 base64url characters and never starts with a dash', () => {
    const bytes = [Buffer.alloc(16, 0xfb), Buffer.alloc(16, 0x01)];
    const id = clusterId(() => bytes.shift()!);
    // 0xfb… encodes to '-' first and is drawn again.
    expect(id).toBe(Buffer.alloc(16, 0x01).toString('base64url'));
    expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});

describe('kafkaPom', () => {
  it('depends on kafka_2.13 and log4j api, core and the SLF4J 1.x binding at one version', () => {
    const pom = kafkaPom({ kafka: '4.4.0', log4j: '2.26.1', dependencyPlugin: '3.11.0' });
    expect(pom).toContain('<artifactId>kafka_2.13</artifactId><version>4.4.0</version>');
    for (const artifact of ['log4j-api', 'log4j-core', 'log4j-slf4j-impl']) {
      expect(pom).toContain(`<artifactId>${artifact}</artifactId><version>2.26.1</version>`);
    }
    expect(pom).toContain('<artifactId>maven-dependency-plugin</artifactId><version>3.11.0</version>');
  });

  it('targets a Kafka 4 release', () => {
    expect(KAFKA_DIST.kafka).toMatch(/^4\.\d+\.\d+$/);
  });
});

describe('javaMajorVersion', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['openjdk version "21" 2023-09-19', 21],
    ['java version "1.8.0_392"', 8],
    ['command not found', undefined],
  ])('reads %j as %p', (output, major) => {
    expect(javaMajorVersion(output)).toBe(major);
  });
});
