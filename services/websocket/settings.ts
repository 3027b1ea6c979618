/**
 * Settings of the websocket service beyond the library's `ServiceConfig`.
 * The token secret is required; everything else has a default.
 */
import { WEBSOCKET_TOKEN_ENV, WEBSOCKET_TOKEN_SECRET } from '../../platform/websocket-token.js';
import { EnvReader, type Env } from '../lib/env-reader.js';
import { MIN_SECRET_BYTES } from './token.js';

export const WEBSOCKET_ENV = {
  /** Shared HMAC secret of the access tokens; from a Kubernetes Secret, never a literal. */
  tokenSecret: WEBSOCKET_TOKEN_ENV,
  heartbeatMs: 'WEBSOCKET_HEARTBEAT_MS',
  maxBufferedBytes: 'WEBSOCKET_MAX_BUFFERED_BYTES',
  maxTotalBufferedBytes: 'WEBSOCKET_MAX_TOTAL_BUFFERED_BYTES',
  maxConnections: 'WEBSOCKET_MAX_CONNECTIONS',
  maxConnectionsPerUser: 'WEBSOCKET_MAX_CONNECTIONS_PER_USER',
  slowCloseGraceMs: 'WEBSOCKET_SLOW_CLOSE_GRACE_MS',
} as const;

/**
 * Defaults of the optional settings; the `@default` tags below quote them.
 *
 * The caps come from measurement: `node --expose-gc --import tsx
 * bench/memory-costs.ts 2000` (Node 22.23, this project's 2-core machine,
 * after full GCs, clients in another process) gives
 * - one open connection: 3.4-3.6 KiB of V8 heap, 6.7-8.8 KiB of RSS (1,000 and 2,000 connections);
 * - one buffered 255-byte update (a spec-sized task update queued on a socket
 *   whose reader stopped): 0.4 KiB heap + 0.3 KiB external, 0.8 KiB RSS, so a
 *   queue of small updates costs about 3.2 times its bytes.
 * With the hub's listeners shared (one function per hub, not three closures
 * per client), no auto-pong closure of `ws` per connection and no second
 * error listener on the raw socket, a connection holds about 2.9 KiB of heap
 * (`node --expose-gc --import tsx bench/memory-costs.ts 2000`: 3.0 in the
 * same run without the last two) and 6-6.7 KiB of RSS. 10,000 connections
 * (ten per user for 1,000 users) peaked at 134-146 MiB with 1,000 updates/s,
 * 118-122 MiB since updates are framed once per user (README, Performance),
 * in a 96 MiB old generation
 * (`WEBSOCKET_NODE_OPTIONS` in platform/defaults.ts: the image's 48 MiB ran
 * out); 4 MiB of queued updates across all clients hold about 13 MiB more,
 * within the pod's limit. 256 KiB per socket is
 * about a thousand updates behind (0.8 MiB), and at most 16 connections per
 * user keep one account from taking a replica (under 1 % of it).
 */
export const WEBSOCKET_DEFAULTS = {
  heartbeatMs: 30_000,
  maxBufferedBytes: 256 * 1024,
  maxTotalBufferedBytes: 4 * 1024 * 1024,
  maxConnections: 10_000,
  maxConnectionsPerUser: 16,
  slowCloseGraceMs: 5_000,
} as const;

export { WEBSOCKET_PATH } from '../../platform/websocket-token.js';

export interface WebSocketSettings {
  /** Never logged. */
  readonly tokenSecret: string;
  /**
   * Ping period; a client that has not answered the previous ping by the next
   * one is cut off, so a dead peer is dropped within two periods. Token expiry
   * is checked on the same beat. @default 30000
   */
  readonly heartbeatMs: number;
  /**
   * Bytes a client may have queued and unsent before it counts as slow and is
   * disconnected (close code 4408), so one stalled reader cannot grow the
   * process's memory or delay the others. Checked when an update is queued;
   * a client with nothing queued always gets the update, however large.
   * @default 262144 (256 KiB)
   */
  readonly maxBufferedBytes: number;
  /**
   * Unsent bytes all clients of the replica may have queued together; an
   * update that would pass it cuts the (already behind) client it was for.
   * @default 4194304 (4 MiB)
   */
  readonly maxTotalBufferedBytes: number;
  /** Open connections the replica accepts; one more is refused 503 with `Retry-After` (another replica may have room). @default 10000 */
  readonly maxConnections: number;
  /** Open connections one user may have (tabs, devices); one more is refused 429 with `Retry-After`. @default 16 */
  readonly maxConnectionsPerUser: number;
  /**
   * After a slow client is sent its close frame, how long it has to complete
   * the closing handshake before its connection is destroyed. @default 5000
   */
  readonly slowCloseGraceMs: number;
}

/** Reads the settings; throws one `ServiceConfigError` listing every problem. */
export function loadWebSocketSettings(env: Env): WebSocketSettings {
  const read = new EnvReader(env);
  const tokenSecret = read.secret(WEBSOCKET_ENV.tokenSecret, {
    hint:
      `set it to at least ${MIN_SECRET_BYTES} random bytes, the key the API that issues the tokens signs with ` +
      `(npm run local:up writes one for this machine; in Kubernetes it comes from Secret ${WEBSOCKET_TOKEN_SECRET.name}, key "${WEBSOCKET_TOKEN_SECRET.key}")`,
  });
  if (tokenSecret !== undefined && Buffer.byteLength(tokenSecret) < MIN_SECRET_BYTES) {
    read.problem(
      WEBSOCKET_ENV.tokenSecret,
      `is shorter than ${MIN_SECRET_BYTES} bytes; use a random secret of at least ${MIN_SECRET_BYTES} bytes`,
    );
  }
  const heartbeatMs = read.integer(WEBSOCKET_ENV.heartbeatMs, { default: WEBSOCKET_DEFAULTS.heartbeatMs, min: 100, max: 600_000 });
  const maxBufferedBytes = read.integer(WEBSOCKET_ENV.maxBufferedBytes, {
    default: WEBSOCKET_DEFAULTS.maxBufferedBytes,
    min: 1024,
    max: 256 * 1024 * 1024,
  });
  const maxTotalBufferedBytes = read.integer(WEBSOCKET_ENV.maxTotalBufferedBytes, {
    default: WEBSOCKET_DEFAULTS.maxTotalBufferedBytes,
    min: 64 * 1024,
    max: 4 * 1024 * 1024 * 1024,
  });
  const maxConnections = read.integer(WEBSOCKET_ENV.maxConnections, { default: WEBSOCKET_DEFAULTS.maxConnections, min: 1, max: 1_000_000 });
  const maxConnectionsPerUser = read.integer(WEBSOCKET_ENV.maxConnectionsPerUser, {
    default: WEBSOCKET_DEFAULTS.maxConnectionsPerUser,
    min: 1,
    max: 10_000,
  });
  const slowCloseGraceMs = read.integer(WEBSOCKET_ENV.slowCloseGraceMs, {
    default: WEBSOCKET_DEFAULTS.slowCloseGraceMs,
    min: 0,
    max: 60_000,
  });
  read.throwIfInvalid('websocket');
  return {
    tokenSecret: tokenSecret!,
    heartbeatMs: heartbeatMs!,
    maxBufferedBytes: maxBufferedBytes!,
    maxTotalBufferedBytes: maxTotalBufferedBytes!,
    maxConnections: maxConnections!,
    maxConnectionsPerUser: maxConnectionsPerUser!,
    slowCloseGraceMs: slowCloseGraceMs!,
  };
}
