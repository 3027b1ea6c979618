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
 * Each rewrite throws when its source is not found, so a client version that
 * moved the code fails the build instead of silently keeping the cost.
 */
import { sourceRewritePlugin } from './bundle-kafka-client.js';

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
];

/** `source` (messages-stream.js) with the rewrites above; throws naming what it did not find. */
export function leanMessagesSource(source: string, file = 'messages-stream.js'): string {
  let rewritten = source;
  const missing: string[] = [];
  for (const { what, find, replace } of REWRITES) {
    if (!find.test(rewritten)) missing.push(what);
    else rewritten = rewritten.replace(find, replace);
  }
  if (missing.length > 0) {
    throw new Error(
      `${file}: did not find ${missing.join(', ')}; @platformatic/kafka changed, update services/lib/bundle-kafka-messages.ts`,
    );
  }
  return `${rewritten}\n${SHARED_EMPTY_HEADERS}`;
}

/** Rewrites `KAFKA_MESSAGES_STREAM` as it is bundled (`leanMessagesSource`). */
export const leanKafkaMessages = sourceRewritePlugin('lean-kafka-messages', KAFKA_MESSAGES_STREAM, leanMessagesSource);
