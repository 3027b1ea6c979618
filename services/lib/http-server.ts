/**
 * The one HTTP server of a service, on `PORT`: `/healthz` (the process is
 * alive), `/readyz` (200 only while every readiness check passes: connected to
 * Kafka, or in Dapr mode the handler is ready), `/metrics`, plus the routes a
 * service adds (Dapr subscription endpoints). The raw `http.Server` is exposed
 * for protocol upgrades (WebSocket).
 *
 * Every request handler is total: whatever arrives (a request target that is
 * no URL, a body larger than the limit, a client that goes away mid-body, a
 * route that throws) is answered or dropped, never thrown out of a listener,
 * so no request can stop the process. Malformed HTTP itself (bad request
 * lines, header overflow) never reaches `dispatch`: Node answers it 400/431
 * and closes the connection (`clientError`'s default).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HEALTH_PATHS, METRICS_PATH } from '../../platform/index.js';
import type { Logger } from './logger.js';
import type { ServiceMetrics } from './metrics.js';

/** Handles one request whose body has been read completely. */
export type RouteHandler = (request: IncomingMessage, body: Buffer, response: ServerResponse) => void | Promise<void>;

/** An answer given instead of handling a request. */
export interface Refusal {
  readonly status: number;
  /** Sent as JSON. */
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What a route's `admit` decided: refuse now, or go on (and `release` once the request is over). */
export type Admission = { readonly refuse: Refusal } | { readonly release?: () => void };

export interface RouteOptions {
  /**
   * Runs before the body is read, so a refused request costs no buffering
   * (authentication, concurrency limits). @default admit everything
   */
  readonly admit?: (request: IncomingMessage) => Admission;
  /** Answers a request whose body exceeds the limit (its body is not read). @default 413 */
  readonly tooLarge?: (request: IncomingMessage, response: ServerResponse) => void;
}

/** Bounds of the server. */
export interface HttpServerLimits {
  /** Largest request body read, in bytes. */
  readonly maxBodyBytes: number;
}

/** Largest request body accepted when none is configured, in bytes (`HTTP_LIMIT_DEFAULTS` in config.ts). @default 2 MiB */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

export { HEALTH_PATHS };

/** Writes `body` as JSON with `status`. */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** The path of a request target, without its query; never throws, whatever the target is. */
export function requestPath(target: string | undefined): string {
  const url = target ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

interface Route {
  readonly handler: RouteHandler;
  readonly options: RouteOptions;
}

const TOO_LARGE = Symbol('too large');
const ABORTED = Symbol('aborted');

export class ServiceHttpServer {
  /** The underlying server: attach `upgrade` listeners here. */
  readonly server: Server;
  private readonly routes = new Map<string, Route>();
  private readonly prefixRoutes: Array<{ method: string; prefix: string; route: Route }> = [];
  private readonly checks = new Map<string, () => boolean>();
  private readonly limits: HttpServerLimits;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly log: Logger,
    private readonly metrics: ServiceMetrics,
    limits: Partial<HttpServerLimits> = {},
  ) {
    this.limits = { maxBodyBytes: MAX_BODY_BYTES, ...limits };
    // dispatch catches everything; the catch here only keeps a failure inside its own catch block from becoming an unhandled rejection.
    this.server = createServer((request, response) => void this.dispatch(request, response).catch(() => response.destroy()));
    // A slow or stuck client must not hold a connection forever.
    this.server.requestTimeout = 30_000;
    this.server.headersTimeout = 10_000;
  }

  /** Adds a route for an exact path. */
  route(method: string, path: string, handler: RouteHandler, options: RouteOptions = {}): this {
    this.routes.set(`${method.toUpperCase()} ${path}`, { handler, options });
    return this;
  }

  /** Adds a route for every path starting with `prefix` (e.g. `/events/`). */
  routePrefix(method: string, prefix: string, handler: RouteHandler, options: RouteOptions = {}): this {
    this.prefixRoutes.push({ method: method.toUpperCase(), prefix, route: { handler, options } });
    return this;
  }

  /** Adds a named readiness check; `/readyz` answers 503 listing the failing ones. */
  readinessCheck(name: string, check: () => boolean): this {
    this.checks.set(name, check);
    return this;
  }

  /** Names of the readiness checks that fail now (empty when ready). */
  notReady(): string[] {
    return [...this.checks].filter(([, check]) => !safe(check)).map(([name]) => name);
  }

  /** Starts listening on `port` (0 = any free port) and resolves with the bound port. */
  listen(port: number, host = '0.0.0.0'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /** Stops accepting connections and closes idle ones; idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
      // Keep-alive clients that never go idle are cut after a grace period.
      setTimeout(() => this.server.closeAllConnections(), 5_000).unref();
    });
    return this.closing;
  }

  private async dispatch(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = requestPath(request.url);
    const method = request.method ?? 'GET';
    let release: (() => void) | undefined;
    try {
      if (method === 'GET' && path === HEALTH_PATHS.live) return sendJson(response, 200, { status: 'ok' });
      if (method === 'GET' && path === HEALTH_PATHS.ready) {
        const failing = this.notReady();
        return sendJson(
          response,
          failing.length === 0 ? 200 : 503,
          failing.length === 0 ? { status: 'ready' } : { status: 'not ready', failing },
        );
      }
      if (method === 'GET' && path === METRICS_PATH) {
        const text = await this.metrics.render();
        response.writeHead(200, { 'content-type': this.metrics.contentType });
        return void response.end(text);
      }
      const route =
        this.routes.get(`${method} ${path}`) ?? this.prefixRoutes.find((r) => r.method === method && path.startsWith(r.prefix))?.route;
      if (!route) return sendJson(response, 404, { error: `no route for ${method} ${truncate(path)}` });
      const admission = route.options.admit?.(request);
      if (admission && 'refuse' in admission) {
        const { status, body, headers } = admission.refuse;
        // A refused body is never read; closing spares Node draining it to keep the connection alive.
        if (hasBody(request)) response.setHeader('connection', 'close');
        return sendJson(response, status, body, headers);
      }
      release = admission?.release;
      const body = await readBody(request, this.limits.maxBodyBytes);
      if (body === ABORTED) return;
      if (body === TOO_LARGE) {
        // The rest of the body is never read: the connection closes after the answer.
        response.setHeader('connection', 'close');
        if (route.options.tooLarge) return route.options.tooLarge(request, response);
        return sendJson(response, 413, { error: `request body exceeds ${this.limits.maxBodyBytes} bytes` });
      }
      await route.handler(request, body, response);
    } catch (err) {
      this.log.error({ err, method, path: truncate(path) }, 'request failed');
      if (!response.headersSent) sendJson(response, 500, { error: 'internal error' });
      else response.end();
    } finally {
      release?.();
    }
  }
}

function safe(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}

function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** A path as logged and echoed: at most 200 characters of whatever a client sent. */
function truncate(path: string): string {
  return path.length <= 200 ? path : `${path.slice(0, 200)}…`;
}

/**
 * The whole body; `TOO_LARGE` as soon as it (or its declared length) passes
 * `maxBytes`, keeping nothing; `ABORTED` when the client goes away first.
 */
function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | typeof TOO_LARGE | typeof ABORTED> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve(TOO_LARGE);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: Buffer | typeof TOO_LARGE | typeof ABORTED) => {
      if (settled) return;
      settled = true;
      chunks.length = 0;
      resolve(result);
    };
    request.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > maxBytes) settle(TOO_LARGE);
      else chunks.push(chunk);
    });
    request.on('end', () => settle(Buffer.concat(chunks)));
    // A reset mid-body is 'error' then 'close'; a client that just goes away is 'close' without 'end'.
    request.on('error', () => settle(ABORTED));
    request.on('close', () => settle(ABORTED));
  });
}
