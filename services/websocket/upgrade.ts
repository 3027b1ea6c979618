/**
 * The WebSocket endpoint on the service's HTTP server: `GET /ws` with an
 * access token, either `Authorization: Bearer <token>` (server-side clients)
 * or `?token=<token>` (browsers cannot set headers on a WebSocket). A request
 * without a valid token is answered `401` before any WebSocket exists, so an
 * unauthenticated peer costs one HTTP response and nothing more.
 *
 * The `upgrade` listener is total: whatever request target, headers or
 * leading bytes a peer sends, it answers (400, 401, 404, 429, 503) or hands
 * the socket to `ws`, whose handshake checks answer 400 on their own, and
 * never throws (an exception in this listener would stop the process and
 * every connection with it). Frames after the handshake are `ws`'s to parse;
 * a bad one ends only that connection (close 1002/1007/1009, `error` on the
 * socket, which the hub listens to).
 */
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { requestPath } from '../lib/http-server.js';
import type { Logger } from '../lib/logger.js';
import type { ClientHub } from './client-hub.js';
import { WEBSOCKET_PATH } from './settings.js';
import { TokenError, verifyToken, type TokenProblem } from './token.js';

/**
 * Largest message a client may send, in bytes. Clients only listen; the
 * bound keeps a misbehaving one from making the server buffer much.
 * @default 4096
 */
export const MAX_CLIENT_MESSAGE_BYTES = 4096;

/** `Retry-After` of a refusal because the replica is full, in seconds: reconnecting soon may reach another replica. @default 5 */
export const FULL_RETRY_AFTER_SECONDS = 5;
/** `Retry-After` of a refusal because the user has too many connections, in seconds. @default 30 */
export const USER_LIMIT_RETRY_AFTER_SECONDS = 30;

/** Why an upgrade was refused (metric label). */
export type UpgradeRefusal = TokenProblem | 'not_found' | 'unavailable' | 'bad_request' | 'full' | 'user_limit';

export interface WebSocketEndpointOptions {
  readonly secret: string;
  readonly hub: ClientHub;
  readonly log: Logger;
  /** False once shutdown begins: new connections get 503. */
  readonly accepting: () => boolean;
  /** Connections the hub may hold; beyond, 503 with `Retry-After`. @default no bound */
  readonly maxConnections?: number;
  /** Connections one user may hold; beyond, 429 with `Retry-After`. @default no bound */
  readonly maxConnectionsPerUser?: number;
  /** Called for every refused upgrade with why. */
  readonly rejected?: (reason: UpgradeRefusal) => void;
  /** @default Date.now */
  readonly clock?: () => number;
}

/** The token of an upgrade request: the bearer header first, then the `token` query parameter. Never throws. */
export function tokenOf(request: IncomingMessage, query: URLSearchParams): string | undefined {
  const header = request.headers.authorization;
  const bearer = typeof header === 'string' ? header.match(/^Bearer\s+(\S+)$/i)?.[1] : undefined;
  return bearer ?? query.get('token') ?? undefined;
}

/** The query of a request target; `URLSearchParams` leaves malformed escapes as they are instead of throwing. */
function queryOf(target: string | undefined): URLSearchParams {
  const url = target ?? '';
  const at = url.indexOf('?');
  return new URLSearchParams(at === -1 ? '' : url.slice(at + 1));
}

/** Answers a refused upgrade with a plain HTTP response and closes the socket. */
function refuse(socket: Duplex, status: number, message: string, extraHeaders: Record<string, string> = {}): void {
  if (socket.destroyed || !socket.writable) return void socket.destroy();
  const body = `${message}\n`;
  const headers = {
    Connection: 'close',
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    ...extraHeaders,
  };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}\r\n${body}`);
}

/** A path as echoed in a refusal: printable ASCII only, at most 100 characters. */
function shown(path: string): string {
  const printable = path.replace(/[^\x20-\x7e]/g, '?');
  return printable.length <= 100 ? printable : `${printable.slice(0, 100)}…`;
}

/** An `error` listener of a raw socket (`this`): destroys it. */
function destroySocket(this: Duplex): void {
  this.destroy();
}

/**
 * A `ping` listener of every WebSocket (`this`): answers with the same
 * payload, as RFC 6455 §5.5.2 requires. `ws` would do it itself (`autoPong`),
 * with a closure per connection to count its pending pongs: 10,000 closures.
 */
function answerPing(this: WebSocket, data: Buffer): void {
  if (this.readyState === this.OPEN) this.pong(data, false);
}

/** Serves WebSocket upgrades on `server` at `WEBSOCKET_PATH`; returns the (server-less) WebSocketServer. */
export function attachWebSocketEndpoint(server: Server, options: WebSocketEndpointOptions): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES, clientTracking: false, autoPong: false });
  const clock = options.clock ?? Date.now;
  const { hub, log } = options;
  const maxConnections = options.maxConnections ?? Infinity;
  const maxPerUser = options.maxConnectionsPerUser ?? Infinity;
  const reject = (socket: Duplex, reason: UpgradeRefusal, status: number, message: string, headers?: Record<string, string>) => {
    options.rejected?.(reason);
    refuse(socket, status, message, headers);
  };

  const upgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = requestPath(request.url);
    if (path !== WEBSOCKET_PATH) {
      return reject(socket, 'not_found', 404, `no WebSocket endpoint at ${shown(path)}; connect to ${WEBSOCKET_PATH}`);
    }
    if (!options.accepting()) return reject(socket, 'unavailable', 503, 'server shutting down; reconnect to another replica');
    // Before the token: a full replica spends no HMAC on anyone.
    if (hub.size >= maxConnections) {
      log.debug({ connections: hub.size, maxConnections }, 'websocket upgrade refused: the replica is full');
      return reject(socket, 'full', 503, 'too many connections on this replica; reconnect later', {
        'Retry-After': String(FULL_RETRY_AFTER_SECONDS),
      });
    }
    let claims;
    try {
      claims = verifyToken(tokenOf(request, queryOf(request.url)), options.secret, clock());
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      // The reason, never the token: query strings end up in logs.
      log.debug({ reason: error.code, remote: request.socket.remoteAddress }, 'websocket upgrade refused');
      return reject(socket, error.code, 401, error.message, { 'WWW-Authenticate': 'Bearer' });
    }
    const { sub, exp } = claims;
    if (hub.clientsOf(sub) >= maxPerUser) {
      log.debug({ connections: hub.clientsOf(sub), maxPerUser }, 'websocket upgrade refused: the user has too many connections');
      return reject(socket, 'user_limit', 429, `at most ${maxPerUser} connections per user; close one first`, {
        'Retry-After': String(USER_LIMIT_RETRY_AFTER_SECONDS),
      });
    }
    // ws checks the handshake headers (method, Upgrade, Sec-WebSocket-Key and -Version) and answers 400 itself.
    wss.handleUpgrade(request, socket, head, (ws) => {
      // From here ws listens for errors on the socket and destroys it; ours would only keep an array of two listeners.
      socket.removeListener('error', destroySocket);
      ws.on('ping', answerPing);
      hub.add(ws, socket, sub, exp * 1000);
    });
  };

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A peer that resets during the handshake must not crash the process (one shared listener, not a closure per connection).
    socket.on('error', destroySocket);
    try {
      upgrade(request, socket, head);
    } catch (err) {
      log.debug({ err, path: shown(requestPath(request.url)) }, 'websocket upgrade failed; answered 400');
      try {
        reject(socket, 'bad_request', 400, 'bad upgrade request');
      } catch {
        socket.destroy();
      }
    }
  });
  return wss;
}
