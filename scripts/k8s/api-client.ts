/**
 * A minimal HTTPS client for the Kubernetes API, so neither `k8s:up` nor the
 * tests need kubectl: a bearer token, the server's CA, JSON in and out, and
 * errors that carry the server's own `Status.message`.
 */
import { Agent, request } from 'node:https';

/** Where the API server is and how to authenticate to it. */
export interface ApiConnection {
  /** `https://127.0.0.1:<port>`. */
  readonly server: string;
  /** Bearer token (the static admin token of `k8s:up`). */
  readonly token: string;
  /** PEM of the CA that signed the serving certificate. */
  readonly ca: string;
}

/** One answer of the server. */
export interface ApiResponse<T = unknown> {
  readonly status: number;
  /** Parsed JSON, or the raw text when the body is not JSON (`/readyz` answers `ok`). */
  readonly body: T;
  /** Texts of the `Warning` headers: deprecations, Pod Security `warn` findings, unknown fields. */
  readonly warnings: string[];
}

export interface RequestOptions {
  /** Sent as JSON unless it is a string. */
  readonly body?: unknown;
  /** @default 'application/json' */
  readonly contentType?: string;
  /** Query parameters; undefined values are left out. */
  readonly query?: Readonly<Record<string, string | undefined>>;
  /** @default 30000 */
  readonly timeoutMs?: number;
}

/** The `Status` object the server answers a refused request with. */
export interface ApiStatus {
  readonly kind?: 'Status';
  readonly status?: string;
  readonly message?: string;
  readonly reason?: string;
  readonly code?: number;
  readonly details?: { causes?: { field?: string; message?: string; reason?: string }[] };
}

/** A request the server refused, with its message. */
export class K8sApiError extends Error {
  /** `K8S_API_<reason>`, e.g. `K8S_API_Invalid`, `K8S_API_NotFound`. */
  readonly code: string;
  /** True for throttling and server-side failures, which a retry may pass. */
  readonly canRetry: boolean;

  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly serverStatus: ApiStatus | undefined,
    text?: string,
  ) {
    super(
      `${method} ${path}: ${status} ${serverStatus?.reason ?? ''}: ${serverStatus?.message ?? text ?? '(no message)'}`.replace(' : ', ': '),
    );
    this.name = 'K8sApiError';
    this.code = `K8S_API_${serverStatus?.reason ?? status}`;
    this.canRetry = status === 429 || status >= 500;
  }
}

const agents = new Map<string, Agent>();

function agentFor(connection: ApiConnection): Agent {
  let agent = agents.get(connection.ca);
  // keepAlive: a test run sends hundreds of requests; one TLS handshake each would dominate.
  if (!agent) agents.set(connection.ca, (agent = new Agent({ ca: connection.ca, keepAlive: true, maxSockets: 8 })));
  return agent;
}

/** Closes pooled connections, so a test run or script can exit without waiting for idle sockets. */
export function closeConnections(): void {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
}

/** `299 - "message"` → `message`. */
function warningTexts(header: string | string[] | undefined): string[] {
  const values = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return values.flatMap((value) => [...value.matchAll(/\d{3} \S+ "((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1')));
}

/** Sends one request and resolves with any status; rejects only when there is no answer. */
export function apiRequest<T = unknown>(
  connection: ApiConnection,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<ApiResponse<T>> {
  const url = new URL(path, connection.server);
  for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
  const payload = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent: agentFor(connection),
        headers: {
          authorization: `Bearer ${connection.token}`,
          accept: 'application/json',
          ...(payload === undefined
            ? {}
            : { 'content-type': options.contentType ?? 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
        timeout: options.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          if ((res.headers['content-type'] ?? '').includes('json')) {
            try {
              body = JSON.parse(text);
            } catch {
              // Not JSON after all: keep the text.
            }
          }
          resolve({ status: res.statusCode ?? 0, body: body as T, warnings: warningTexts(res.headers.warning) });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname}: no answer within ${(options.timeoutMs ?? 30_000) / 1000}s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Like `apiRequest`, but a status outside 2xx rejects with a K8sApiError carrying the server's message. */
export async function apiCall<T = unknown>(
  connection: ApiConnection,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<ApiResponse<T>> {
  const response = await apiRequest<T>(connection, method, path, options);
  if (response.status >= 200 && response.status < 300) return response;
  const body = response.body as unknown;
  const status = typeof body === 'object' && body !== null && (body as ApiStatus).kind === 'Status' ? (body as ApiStatus) : undefined;
  throw new K8sApiError(method, path, response.status, status, typeof body === 'string' ? body.slice(0, 500) : undefined);
}

/** The message of a refused request's `Status`, or the body's text. */
export function statusMessage(body: unknown): string {
  if (typeof body === 'string') return body;
  const status = body as ApiStatus | undefined;
  return status?.message ?? JSON.stringify(body);
}
