/**
 * Trying the websocket service by hand on this machine: the token key and the
 * port `npm run local:up` wrote (`.local/services/websocket.env`), a token
 * for a user, and a client that prints every update it receives. Used by
 * `npm run mint-token` and `npm run ws-client`.
 */
import { WebSocket } from 'ws';
import { SERVICE_ENV } from '../../platform/index.js';
import { WEBSOCKET_TOKEN_ENV, WEBSOCKET_SERVICE } from '../../platform/websocket-token.js';
import type { Env } from '../lib/env-reader.js';
import { localDir, localServiceEnvironment, serviceEnvFile } from '../lib/local-environment.js';
import { defaultServiceSpec } from '../lib/platform-defaults.js';
import { WEBSOCKET_PATH } from './settings.js';
import { MIN_SECRET_BYTES, signToken } from './token.js';

/** Lifetime of a minted token when none is given, in seconds. @default 3600 */
export const DEFAULT_TTL_SECONDS = 3600;

/** Why a local tool cannot run; the message is the one line a person reads, fix included. */
export class LocalClientError extends Error {
  readonly code = 'LOCAL_CLIENT';
  readonly canRetry = false;
  constructor(message: string) {
    super(message);
    this.name = 'LocalClientError';
  }
}

/** What the service on this machine uses: its token key and where it listens. */
export interface LocalWebSocketService {
  readonly tokenSecret: string;
  /** `ws://127.0.0.1:<port>/ws`. */
  readonly url: string;
}

/** The websocket service's settings as `npm run service -- websocket` reads them (the environment over the local files). */
export function localWebSocketService(env: Env = process.env): LocalWebSocketService {
  const merged = localServiceEnvironment(WEBSOCKET_SERVICE, env).env;
  const tokenSecret = merged[WEBSOCKET_TOKEN_ENV];
  if (!tokenSecret) {
    throw new LocalClientError(
      `no token key: run \`npm run local:up\` (it writes ${serviceEnvFile(localDir(env), WEBSOCKET_SERVICE)}), or set ${WEBSOCKET_TOKEN_ENV} to the key the service uses`,
    );
  }
  if (Buffer.byteLength(tokenSecret) < MIN_SECRET_BYTES) {
    throw new LocalClientError(
      `${WEBSOCKET_TOKEN_ENV} is shorter than ${MIN_SECRET_BYTES} bytes: the service refuses such a key; use the one it runs with`,
    );
  }
  const port = merged[SERVICE_ENV.port] ?? String(defaultServiceSpec(WEBSOCKET_SERVICE).port);
  return { tokenSecret, url: `ws://127.0.0.1:${port}${WEBSOCKET_PATH}` };
}

/** A token for `userId`, valid for `ttlSeconds` from `nowMs`. */
export function mintToken(userId: string, tokenSecret: string, ttlSeconds = DEFAULT_TTL_SECONDS, nowMs = Date.now()): string {
  if (userId === '') throw new LocalClientError('the user id is empty: name the user whose updates the token receives');
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0)
    throw new LocalClientError(`${ttlSeconds} is not a lifetime: give whole seconds, e.g. 3600`);
  return signToken({ sub: userId, exp: Math.floor(nowMs / 1000) + ttlSeconds }, tokenSecret);
}

export interface WatchOptions {
  readonly url: string;
  readonly token: string;
  /** Called with each update as received (one JSON text per update). */
  readonly onUpdate: (text: string) => void;
  /** Called once the connection is open. */
  readonly onOpen?: () => void;
  /** Resolve after this many updates. @default no limit (until the server closes or `signal` aborts) */
  readonly count?: number;
  readonly signal?: AbortSignal;
}

/** How a watch ended. */
export interface WatchEnd {
  readonly updates: number;
  /** WebSocket close code (1000 when we closed after `count` updates or on abort). */
  readonly code: number;
  readonly reason: string;
}

/**
 * Connects with the token (as `Authorization: Bearer`) and passes on every
 * update. Rejects with a plain sentence when the service refuses the
 * connection (the HTTP status says why: 401 bad or expired token, 429 too
 * many connections of the user, 503 full or shutting down) or cannot be reached.
 */
export function watchUpdates(options: WatchOptions): Promise<WatchEnd> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(options.url, { headers: { authorization: `Bearer ${options.token}` } });
    let updates = 0;
    let opened = false;
    const stop = () => socket.close(1000, 'client done');
    options.signal?.addEventListener('abort', stop, { once: true });
    socket.on('unexpected-response', (_request, response) => {
      reject(
        new LocalClientError(`${options.url} refused the connection: HTTP ${response.statusCode} ${response.statusMessage ?? ''}`.trim()),
      );
      socket.terminate();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (opened) return;
      const hint = err.code === 'ECONNREFUSED' ? ': is the service running? Start it with `npm run service -- websocket`' : '';
      reject(new LocalClientError(`cannot connect to ${options.url} (${err.message})${hint}`));
    });
    socket.on('open', () => {
      opened = true;
      options.onOpen?.();
    });
    socket.on('message', (data) => {
      updates += 1;
      options.onUpdate(data.toString());
      if (options.count !== undefined && updates >= options.count) stop();
    });
    socket.on('close', (code, reason) => {
      options.signal?.removeEventListener('abort', stop);
      if (opened) resolve({ updates, code, reason: reason.toString() });
    });
  });
}
