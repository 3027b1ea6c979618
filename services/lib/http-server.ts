/**
 * The one HTTP server of a service, on `PORT`: `/healthz` (the process is
 * alive), `/readyz` (200 only while every readiness check passes: connected to
 * Kafka, or in Dapr mode the handler is ready), `/metrics`, plus the routes a
 * service adds (Dapr subscription endpoints). The raw `http.Server` is exposed
 * for protocol upgrades (WebSocket).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HEALTH_PATHS, METRICS_PATH } from '../../platform/index.js';
import type { Logger } from './logger.js';
import type { ServiceMetrics } from './metrics.js';

/** Handles one request whose body has been read completely. */
export type RouteHandler = (request: IncomingMessage, body: Buffer, response: ServerResponse) => void | Promise<void>;

/** Largest request body accepted, in bytes. @default 4 MiB (four times Dapr's default `maxMessageBytes`) */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export { HEALTH_PATHS };

/** Writes `body` as JSON with `status`. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

export class ServiceHttpServer {
  /** The underlying server: attach `upgrade` listeners here. */
  readonly server: Server;
  private readonly routes = new Map<string, RouteHandler>();
  private readonly prefixRoutes: Array<{ method: string; prefix: string; handler: RouteHandler }> = [];
  private readonly checks = new Map<string, () => boolean>();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly log: Logger,
    private readonly metrics: ServiceMetrics,
  ) {
    this.server = createServer((request, response) => this.dispatch(request, response));
    // A slow or stuck client must not hold a connection forever.
    this.server.requestTimeout = 30_000;
    this.server.headersTimeout = 10_000;
  }

  /** Adds a route for an exact path. */
  route(method: string, path: string, handler: RouteHandler): this {
    this.routes.set(`${method.toUpperCase()} ${path}`, handler);
    return this;
  }

  /** Adds a route for every path starting with `prefix` (e.g. `/events/`). */
  routePrefix(method: string, prefix: string, handler: RouteHandler): this {
    this.prefixRoutes.push({ method: method.toUpperCase(), prefix, handler });
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
    const path = (request.url ?? '/').split('?')[0]!;
    const method = request.method ?? 'GET';
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
      const handler =
        this.routes.get(`${method} ${path}`) ?? this.prefixRoutes.find((r) => r.method === method && path.startsWith(r.prefix))?.handler;
      if (!handler) return sendJson(response, 404, { error: `no route for ${method} ${path}` });
      const body = await readBody(request);
      if (body === null) return sendJson(response, 413, { error: `request body exceeds ${MAX_BODY_BYTES} bytes` });
      await handler(request, body, response);
    } catch (err) {
      this.log.error({ err, method, path }, 'request failed');
      if (!response.headersSent) sendJson(response, 500, { error: 'internal error' });
      else response.end();
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

/** The whole body, or null when it is larger than `MAX_BODY_BYTES`. */
function readBody(request: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
