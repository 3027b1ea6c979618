/**
 * An esbuild plugin of the service bundle that makes each message
 * @platformatic/kafka (2.12.1) hands to a consumer smaller, without changing
 * what a reader of it sees.
 *
 * Why: in a backlog every fetched message stays alive from the fetch until
 * its batch is written (read ahead, decoded, handled: thousands at a time),
 * so it outlives V8's young generation and is copied by the scavenger, then
 * promoted and marked. `MessagesStream` gave each one a `Map` and an array
 * for its headers and a bound `commit` function, even when the record has
 * no headers and the consumer commits with `Consumer#commit` (as the
 * services do). Draining the bench's 150,000 events (`--trace-gc-nvp`, one
 * audit service each, same round): 109.4 MB promoted and 118.1 MB copied
 * within the young generation before, 80.0 and 86.8 after; scavenge pauses
 * 761 → 617 ms.
 *
 * What changes in `dist/clients/consumer/messages-stream.js`:
 * - a record without headers gets one shared, read-only empty `Map`
 *   (`set` throws, `delete` and `clear` change nothing) and one frozen empty
 *   array as `headers` and `headerEntries`;
 * - `message.commit` is one function per fetched record batch that commits
 *   the offset after `this.offset`: called as a method, `message.commit(callback)`,
 *   it does what the bound function did;
 *   taken off the message and called alone it throws. A deserialization
 *   error handler still gets a bound function, as before.
 * - with the client's own pass-through deserializers (the services'), a
 *   record is not copied into a new object to hand them (they ignore it; the
 *   hook error and metadata read from the copy are the record's own);
 * - the diagnostic context of each record (an object, a copy of it and a
 *   BigInt operation id) is made only while something subscribes to the
 *   `plt:kafka:consumer:receives` tracing channel, which is then published
 *   exactly as before; with no subscriber a publish did nothing anyway
 *   (`TracingChannel#hasSubscribers`, Node 20.13/22.0: true when any of its
 *   five channels has a subscriber; Node's diagnostics_channel docs);
 * - a record's offset delta becomes a BigInt through `smallBigInt`
 *   (small-bigints.ts), shared for small deltas instead of allocated.
 * The copy, the context and the BigInt were garbage the moment the message
 * was pushed, about 300 bytes a record (the loop's allocations over an audit
 * drain of 150,000 events, 89 → 44 MB in bench/allocation-profile.mjs's
 * profile), and the drain ran ~10 % fewer scavenges under `--trace-gc-nvp`
 * (README, Performance, what run 18 changed). And:
 * - with the pass-through deserializers, a message's `key` and `timestamp`
 *   are getters of a shared prototype, made from the key's place in the
 *   fetched bytes and the batch's first timestamp plus the record's delta
 *   when read (each read of `key` a new view of the same bytes): the key
 *   view and the BigInt sum were made for every record and read for almost
 *   none (the services read a key for a dead letter). The message is still
 *   an object literal, so V8 can still allocate it straight into the old
 *   generation once its allocation site shows that its objects live long
 *   (allocation-site pretenuring, see kafka-raw-message.ts); as a class instance it was copied by the
 *   scavenger instead (promoted bytes 78 → 102 MB over an audit drain under
 *   `--trace-gc-nvp`). Its other fields are the same, plus `__keyBytes`,
 *   `__keyOffset`, `__keyLength`, `__firstTimestamp` and `__timestampDelta`;
 *   `toJSON` gives what the client's gives. Eight alternating rounds of
 *   `npm run bench:audit-rounds` against the build before: medians 64,602
 *   against 59,466 events/s (faster in five), peaks 93.2–96.5 against
 *   94.0–97.7 MiB.
 * Each rewrite throws when its source is not found, so a client version that
 * moved the code fails the build instead of silently keeping the cost.
 */
import { fileURLToPath } from 'node:url';
import { sourceRewritePlugin } from './bundle-kafka-client.js';

/** The shared small BigInts the rewritten module imports, by absolute path (esbuild bundles it from the TypeScript). */
export const SMALL_BIGINTS = fileURLToPath(new URL('./small-bigints.ts', import.meta.url));

/** The module that builds consumed messages. */
export const KAFKA_MESSAGES_STREAM = /[\\/]@platformatic[\\/]kafka[\\/]dist[\\/]clients[\\/]consumer[\\/]messages-stream\.js$/;

/** Module-level helpers the rewritten code refers to. */
const SHARED_EMPTY_HEADERS = `
class __ReadOnlyEmptyHeaders extends Map {
  set() {
    throw new TypeError('the headers of a message without headers are read-only');
  }
  delete() {
    return false;
  }
  clear() {}
}
const __NO_HEADERS = new __ReadOnlyEmptyHeaders();
const __NO_HEADER_ENTRIES = Object.freeze([]);
// The prototype of a message read with the pass-through deserializers (see "the message made of each record").
const __PASS_THROUGH_MESSAGE = {
  get key() {
    return this.__keyBytes === undefined ? undefined : Buffer.from(this.__keyBytes, this.__keyOffset, this.__keyLength);
  },
  get timestamp() {
    return this.__firstTimestamp + this.__timestampDelta;
  },
  toJSON: messageToJSON,
};
`;

interface Rewrite {
  readonly what: string;
  readonly find: RegExp;
  readonly replace: string;
}

const REWRITES: readonly Rewrite[] = [
  {
    what: 'the loop over a batch’s records',
    find: /for \(const record of batch\.records\) \{/,
    // Inside the class, so the function may call the private #commit; `this` is the message it is called on.
    replace:
      'const __commitMessage = autocommit ? noopCallback : ((stream) => function commit(callback) {' +
      ' return stream.#commit(topic, partition, this.offset + 1n, leaderEpoch, callback); })(this);\n' +
      'for (const record of batch.records) {',
  },
  {
    what: 'the bound commit of each message',
    find: /const commit = autocommit\s*\?\s*noopCallback\s*:\s*this\.#commit\.bind\(this, topic, partition, offset \+ 1n, leaderEpoch\);/,
    replace: 'const commit = __commitMessage;',
  },
  {
    what: 'the deserialization error context',
    find: /catch \(error\) \{(\s*)const context = \{/,
    // Handlers may call the commit they are given on its own: theirs stays bound (shadowing the shared one).
    replace:
      'catch (error) {$1const commit = autocommit ? noopCallback : this.#commit.bind(this, topic, partition, offset + 1n, leaderEpoch);' +
      '$1const context = {',
  },
  {
    what: 'the headers Map and array of each message',
    find: /const headers = new Map\(\);(\s*)const headerEntries = \[\];/,
    replace:
      'const bare = record.headers.length === 0 && !messageToConsume[kDeserializationError];' +
      '$1const headers = bare ? __NO_HEADERS : new Map();' +
      '$1const headerEntries = bare ? __NO_HEADER_ENTRIES : [];',
  },
  {
    what: 'the deserializers of a fetch response',
    find: /let diagnosticContext;/,
    replace:
      'let diagnosticContext;\n' +
      'const __passThrough = keyDeserializer === noopDeserializer && valueDeserializer === noopDeserializer &&' +
      ' headerKeyDeserializer === noopDeserializer && headerValueDeserializer === noopDeserializer;',
  },
  {
    what: 'the copy of each record for the deserializers',
    find: /const messageToConsume = \{ \.\.\.record, topic, partition \};/,
    replace: 'const messageToConsume = __passThrough ? record : { ...record, topic, partition };',
  },
  {
    what: 'the offset of each record',
    find: /const offset = batch\.firstOffset \+ BigInt\(record\.offsetDelta\);/,
    replace: 'const offset = batch.firstOffset + __smallBigInt(record.offsetDelta);',
  },
  {
    what: 'the message made of each record',
    find: /const message = \{\s*key: deserializedKey,\s*value: deserializedValue,\s*headers,\s*headerEntries,\s*topic,\s*partition,\s*timestamp: firstTimestamp \+ record\.timestampDelta,\s*offset,[^]*?leaderEpoch: batch\.partitionLeaderEpoch,\s*commit,[^]*?metadata: ([^]*?),\s*toJSON: messageToJSON\s*\};/,
    replace:
      'const __metadata = $1;\n' +
      'const message = __passThrough && deserializationError === undefined' +
      ' ? { __proto__: __PASS_THROUGH_MESSAGE, value: deserializedValue, headers, headerEntries, topic, partition, offset,' +
      ' leaderEpoch: batch.partitionLeaderEpoch, commit, metadata: __metadata,' +
      ' __keyBytes: deserializedKey === undefined ? undefined : deserializedKey.buffer,' +
      ' __keyOffset: deserializedKey === undefined ? 0 : deserializedKey.byteOffset,' +
      ' __keyLength: deserializedKey === undefined ? 0 : deserializedKey.length,' +
      ' __firstTimestamp: firstTimestamp, __timestampDelta: record.timestampDelta }' +
      ' : { key: deserializedKey, value: deserializedValue, headers, headerEntries, topic, partition,' +
      ' timestamp: firstTimestamp + record.timestampDelta, offset, leaderEpoch: batch.partitionLeaderEpoch, commit,' +
      ' metadata: __metadata, toJSON: messageToJSON };',
  },
  {
    what: 'the diagnostic context of each record',
    find: /diagnosticContext = createDiagnosticContext\((\{\s*client: this\.#consumer,\s*stream: this,\s*operation: 'receive',\s*raw: record\s*\})\);/,
    replace: 'diagnosticContext = consumerReceivesChannel.hasSubscribers ? createDiagnosticContext($1) : undefined;',
  },
  {
    what: 'the publications of each record',
    find: /consumerReceivesChannel\.(start|end|asyncStart|asyncEnd|error)\.publish\(diagnosticContext\);/g,
    replace: 'if (diagnosticContext !== undefined) consumerReceivesChannel.$1.publish(diagnosticContext);',
  },
  {
    what: 'the outcome written on the diagnostic context',
    find: /diagnosticContext\.(error|result) = (\w+);/g,
    replace: 'if (diagnosticContext !== undefined) diagnosticContext.$1 = $2;',
  },
];

/** `source` (messages-stream.js) with the rewrites above; throws naming what it did not find. */
export function leanMessagesSource(source: string, file = 'messages-stream.js', smallBigInts = SMALL_BIGINTS): string {
  let rewritten = source;
  const missing: string[] = [];
  for (const { what, find, replace } of REWRITES) {
    // `search`, not `test`: it leaves a global pattern's lastIndex alone.
    if (rewritten.search(find) === -1) missing.push(what);
    else rewritten = rewritten.replace(find, replace);
  }
  if (missing.length > 0) {
    throw new Error(
      `${file}: did not find ${missing.join(', ')}; @platformatic/kafka changed, update services/lib/bundle-kafka-messages.ts`,
    );
  }
  return `import { smallBigInt as __smallBigInt } from ${JSON.stringify(smallBigInts)};\n${rewritten}\n${SHARED_EMPTY_HEADERS}`;
}

/** Rewrites `KAFKA_MESSAGES_STREAM` as it is bundled (`leanMessagesSource`). */
export const leanKafkaMessages = sourceRewritePlugin('lean-kafka-messages', KAFKA_MESSAGES_STREAM, leanMessagesSource);
