/**
 * The WebSocket endpoint on the service's HTTP server: `GET /ws` with an
 * access token, either `Authorization: Bearer <token>` (server-side clients)
 * or `?token=<token>` (browsers cannot set headers on a WebSocket). A request
 * without a valid token is answered `401` before any WebSocket exists, so an
 * unauthenticated peer costs one HTTP response and nothing more.
 */
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
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

export interface WebSocketEndpointOptions {
  readonly secret: string;
  readonly hub: ClientHub;
  readonly log: Logger;
  /** False once shutdown begins: new connections get 503. */
  readonly accepting: () => boolean;
  /** Called for every refused upgrade with why. */
  readonly rejected?: (reason: TokenProblem | 'not_found' | 'unavailable') => void;
  /** @default Date.now */
  readonly clock?: () => number;
}

/** The token of an upgrade request: the bearer header first, then the `token` query parameter. */
export function tokenOf(request: IncomingMessage, url: URL): string | undefined {
  const header = request.headers.authorization;
  const bearer = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
  return bearer ?? url.searchParams.get('token') ?? undefined;
}

/** Answers a refused upgrade with a plain HTTP response and closes the socket. */
function refuse(socket: Duplex, status: number, message: string, extraHeaders: Record<string, string> = {}): void {
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

/** Serves WebSocket upgrades on `server` at `WEBSOCKET_PATH`; returns the (server-less) WebSocketServer. */
export function attachWebSocketEndpoint(server: Server, options: WebSocketEndpointOptions): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES, clientTracking: false });
  const clock = options.clock ?? Date.now;
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A peer that resets during the handshake must not crash the process.
    socket.on('error', () => socket.destroy());
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== WEBSOCKET_PATH) {
      options.rejected?.('not_found');
      return refuse(socket, 404, `no WebSocket endpoint at ${url.pathname}; connect to ${WEBSOCKET_PATH}`);
    }
    if (!options.accepting()) {
      options.rejected?.('unavailable');
      return refuse(socket, 503, 'server shutting down; reconnect to another replica');
    }
    let claims;
    try {
      claims = verifyToken(tokenOf(request, url), options.secret, clock());
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      options.rejected?.(error.code);
      // The reason, never the token: query strings end up in logs.
      options.log.debug({ reason: error.code, remote: request.socket.remoteAddress }, 'websocket upgrade refused');
      return refuse(socket, 401, error.message, { 'WWW-Authenticate': 'Bearer' });
    }
    const { sub, exp } = claims;
    wss.handleUpgrade(request, socket, head, (ws) => options.hub.add(ws, sub, exp * 1000));
  });
  return wss;
}
