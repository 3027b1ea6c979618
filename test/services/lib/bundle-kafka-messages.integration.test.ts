import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Producer } from '@platformatic/kafka';
import { leanMessagesSource } from '../../../services/lib/bundle-kafka-messages.js';
import { bundleServices } from '../../../services/lib/bundle.js';
import { bundleScratchDir, PROBES } from './bundle-probes/scratch.js';
import { describeWithBroker, readLocalEnv } from '../../support/local-env.js';
import { privateTopics, RUN_ID, uniqueGroup } from './broker-support.js';

const PROBE = join(PROBES, 'kafka-messages.ts');
const run = promisify(execFile);

const dir = bundleScratchDir('bundle-messages-test');

/** The records' timestamps: the third one's delta is past the shared small BigInts (small-bigints.ts). */
const TIMESTAMP = 1_767_225_600_000n;

interface ProbeResult {
  seen: Array<{
    offset: string;
    key: string;
    timestamp: string;
    json: string;
    value: string;
    headers: string[][];
    headerEntries: number;
    setHeader: string | null;
  }>;
  detached: string;
  committed: string;
  traces?: string[];
  operations?: number;
  deserialized?: string[];
}

async function probe(args: readonly string[], topic: string, mode?: 'traced'): Promise<ProbeResult> {
  const { stdout } = await run(process.execPath, [
    ...args,
    readLocalEnv().plaintextBootstrapServers,
    topic,
    uniqueGroup('bundle-messages'),
    ...(mode ? [mode] : []),
  ]);
  return JSON.parse(stdout) as ProbeResult;
}

describeWithBroker('consumed messages in the service bundle (leanKafkaMessages)', () => {
  const topic = `test-bundle-messages-${RUN_ID}`;
  let removeTopic: () => Promise<void>;

  beforeAll(async () => {
    removeTopic = await privateTopics([topic]);
    const producer = new Producer({ clientId: `test-${RUN_ID}`, bootstrapBrokers: [readLocalEnv().plaintextBootstrapServers] });
    try {
      await producer.send({
        messages: [
          { topic, key: Buffer.from('user-1'), value: Buffer.from('a'), timestamp: TIMESTAMP },
          { topic, value: Buffer.from('b'), headers: new Map([[Buffer.from('trace'), Buffer.from('x')]]), timestamp: TIMESTAMP + 1n },
          { topic, key: Buffer.alloc(0), value: Buffer.from('c'), timestamp: TIMESTAMP + 5_000n },
        ],
      });
    } finally {
      await producer.close();
    }
  });
  afterAll(() => removeTopic?.());

  it('carry the same values and headers, share read-only empty headers, and commit through message.commit()', async () => {
    const bundle = join(dir, 'kafka-messages.js');
    await bundleServices(bundle, PROBE);
    const readOnly = 'the headers of a message without headers are read-only';
    expect(await probe([bundle], topic)).toMatchObject({
      seen: [
        { offset: '0', value: 'a', headers: [], headerEntries: 0, setHeader: readOnly },
        { offset: '1', value: 'b', headers: [['trace', 'x']], headerEntries: 1, setHeader: null },
        { offset: '2', value: 'c', headers: [], headerEntries: 0, setHeader: readOnly },
      ],
      detached: 'TypeError',
      committed: '3',
    });
  });

  it('carry the same key, timestamp and JSON as the published client, with and without deserializers of their own', async () => {
    const bundle = join(dir, 'kafka-messages.js');
    await bundleServices(bundle, PROBE);
    const facts = (result: ProbeResult) => result.seen.map(({ key, timestamp, json }) => ({ key, timestamp, json }));
    const [bundled, published, bundledTraced] = await Promise.all([
      probe([bundle], topic),
      probe(['--import', 'tsx', PROBE], topic),
      probe([bundle], topic, 'traced'),
    ]);
    expect(facts(bundled).map(({ key, timestamp }) => ({ key, timestamp }))).toEqual([
      { key: 'user-1/0', timestamp: String(TIMESTAMP) },
      { key: 'undefined', timestamp: String(TIMESTAMP + 1n) },
      { key: '/0', timestamp: String(TIMESTAMP + 5_000n) },
    ]);
    expect(facts(bundled)).toEqual(facts(published));
    expect(facts(bundledTraced)).toEqual(facts(published));
  });

  it('publish each record on the tracing channel and hand deserializers its topic and partition, as the published client does', async () => {
    const bundle = join(dir, 'kafka-messages.js');
    await bundleServices(bundle, PROBE);
    const perRecord = (value: string, offset: number) => [
      `start ${value}`,
      `asyncStart ${value} @${offset}`,
      `asyncEnd ${value} @${offset}`,
      `end ${value} @${offset}`,
    ];
    const expected = {
      traces: [...perRecord('a', 0), ...perRecord('b', 1), ...perRecord('c', 2)],
      operations: 3,
      deserialized: ['a topic 0', 'b topic 0', 'c topic 0'],
    };
    const [bundled, published] = await Promise.all([probe([bundle], topic, 'traced'), probe(['--import', 'tsx', PROBE], topic, 'traced')]);
    expect(bundled).toMatchObject(expected);
    expect(published).toMatchObject(expected);
  });

  it('unbundled, the client gives every message headers of its own and a bound commit', async () => {
    const { seen, detached, committed } = await probe(['--import', 'tsx', PROBE], topic);
    expect(seen.map((message) => message.setHeader)).toEqual([null, null, null]);
    expect(seen.map((message) => message.headers)).toEqual([[], [['trace', 'x']], []]);
    expect({ detached, committed }).toEqual({ detached: 'worked', committed: '3' });
  });
});

describe('leanMessagesSource', () => {
  it('refuses a source without the code it rewrites, naming each part and the file to update', () => {
    expect(() => leanMessagesSource('for (const record of batch.records) {}', 'dist/clients/consumer/messages-stream.js')).toThrow(
      'dist/clients/consumer/messages-stream.js: did not find the bound commit of each message, the deserialization error context, ' +
        'the headers Map and array of each message, the deserializers of a fetch response, the copy of each record for the deserializers, ' +
        'the offset of each record, the message made of each record, the diagnostic context of each record, the publications of each record, ' +
        'the outcome written on the diagnostic context; @platformatic/kafka changed, update services/lib/bundle-kafka-messages.ts',
    );
  });
});
