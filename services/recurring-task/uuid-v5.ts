/**
 * Name-based UUIDs (RFC 9562 §5.5, version 5: SHA-1). The recurring-task
 * service derives every event id it publishes from the id of the event that
 * caused it, so publishing the same thing twice (a crash between publish and
 * record, a redelivery) produces the same event id, which every consumer
 * already deduplicates on.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9562#section-5.5
 */
import { createHash } from 'node:crypto';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function uuidBytes(uuid: string): Buffer {
  if (!UUID_PATTERN.test(uuid)) throw new TypeError(`"${uuid}" is not a UUID (expected 8-4-4-4-12 hex digits)`);
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

function formatUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The version-5 UUID of `name` (UTF-8) in `namespace`. Deterministic: same inputs, same UUID. */
export function uuidV5(name: string, namespace: string): string {
  const digest = createHash('sha1').update(uuidBytes(namespace)).update(name, 'utf8').digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 9562 variant
  return formatUuid(bytes);
}

/**
 * Namespaces of the ids this service mints, one per kind so an occurrence and a
 * reminder derived from the same source event can never share an id. Random
 * constants, fixed forever: changing one would give a redelivered event a new id.
 */
export const ID_NAMESPACES = {
  /** `event_id` of the `created` event of a task's next occurrence. */
  occurrenceEvent: 'ba798a77-4d65-4e5c-90f1-27ac1c048222',
  /** Hash behind the `task_id` of a task's next occurrence (see `mintedTaskId`). */
  occurrenceTaskId: '3daac53a-ef49-4c6e-a4ca-94f9722d1d43',
  /** `event_id` of a `reminders` event. */
  reminderEvent: '5806c087-1e33-4c72-bde9-b247192eac44',
} as const;
