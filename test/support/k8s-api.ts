/**
 * Access to the local Kubernetes API server that `npm run k8s:up` starts,
 * for integration tests: server-side apply, get, list, delete, namespaces,
 * and polling. No kubectl: HTTPS from Node with the admin token of
 * `.local/k8s/env`. Every refusal carries the server's `Status.message`.
 *
 *   describeWithApiServer('pods in a restricted namespace', () => {
 *     it('are admitted', async () => {
 *       const ns = await createNamespace(uniqueName('psa'), { 'pod-security.kubernetes.io/enforce': 'restricted' });
 *       const result = await applyObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: ns }, spec });
 *       expect(result.message).toBe('');            // '' when accepted; the server's reason when not
 *       const pod = await waitFor(() => getObject({ apiVersion: 'v1', kind: 'Pod', name: 'p', namespace: ns }), 10_000);
 *     });
 *   });
 */
import { existsSync, readFileSync } from 'node:fs';
import { apiCall, apiRequest, closeConnections, K8sApiError, statusMessage, type ApiConnection } from '../../scripts/k8s/api-client.js';
import { K8S_ENV, readK8sEnv } from '../../scripts/k8s/env-file.js';
import { K8S_PATHS } from '../../scripts/k8s/paths.js';
import { recordSkippedSuite } from './skipped-suites.js';

export { K8sApiError, type ApiConnection };

/** A Kubernetes object as plain data. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    uid?: string;
    ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** Names one object: what `getObject` and `deleteObject` take (a whole K8sObject works too). */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** Ignored for cluster-scoped kinds. @default 'default' for namespaced kinds, as kubectl does */
  readonly namespace?: string;
}

/** Why the API server suites do not run, or undefined when they do. */
export function apiServerUnavailableReason(): string | undefined {
  return existsSync(K8S_PATHS.envFile) ? undefined : `${K8S_PATHS.envFile} does not exist`;
}

let connection: ApiConnection | undefined;

/** The server, token and CA of the running server; throws when `npm run k8s:up` has not run. */
export function apiServerConnection(): ApiConnection {
  if (connection) return connection;
  const reason = apiServerUnavailableReason();
  if (reason) throw new Error(`${reason}; start the API server with npm run k8s:up`);
  const env = readK8sEnv();
  const get = (key: string) => {
    const value = env[key];
    if (!value) throw new Error(`${K8S_PATHS.envFile} has no ${key}; run npm run k8s:down && npm run k8s:up to rewrite it`);
    return value;
  };
  connection = { server: get(K8S_ENV.server), token: get(K8S_ENV.token), ca: readFileSync(get(K8S_ENV.caFile), 'utf8') };
  return connection;
}

/** Names of the CRDs `k8s:up` installed (empty when ../shared/crds was absent). */
export function installedCrds(): string[] {
  return (readK8sEnv()[K8S_ENV.crds] ?? '').split(',').filter(Boolean);
}

/**
 * `describe` for suites that need the API server. Runs them when
 * `.local/k8s/env` exists. Without it: under CI (`CI=true`) the suite fails
 * with what to run, since CI must never pass by skipping; elsewhere it is
 * skipped with a one-line note. `fn` is also called for a skipped suite (to
 * list its tests): talk to the server in hooks or tests, not in `fn` itself.
 */
export function describeWithApiServer(name: string, fn: () => void): void {
  const reason = apiServerUnavailableReason();
  if (reason === undefined) {
    describe(name, () => {
      afterAll(closeConnections);
      fn();
    });
    return;
  }
  const message = `${name}: needs the local Kubernetes API server, but ${reason}. Run npm run k8s:up first (npm run k8s:down stops it).`;
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('has the API server it needs', () => {
        throw new Error(message);
      });
    });
    return;
  }
  recordSkippedSuite(name, `need the local Kubernetes API server (${reason}; run npm run k8s:up)`);
  describe.skip(name, fn);
}

interface ApiResource {
  readonly name: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

/** Where a kind is served: its plural and scope. */
export interface ResourceInfo {
  /** `/api/v1` or `/apis/<group>/<version>`. */
  readonly base: string;
  /** `deployments`. */
  readonly plural: string;
  readonly namespaced: boolean;
}

const discovery = new Map<string, Promise<ApiResource[]>>();

function groupBase(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

function discover(apiVersion: string, fresh = false): Promise<ApiResource[]> {
  let resources = fresh ? undefined : discovery.get(apiVersion);
  if (!resources) {
    resources = apiCall<{ resources: ApiResource[] }>(apiServerConnection(), 'GET', groupBase(apiVersion)).then(
      ({ body }) => body.resources.filter((r) => !r.name.includes('/')),
      (err: unknown) => {
        discovery.delete(apiVersion);
        throw err instanceof K8sApiError && err.status === 404
          ? new Error(`the server does not serve ${apiVersion} (is its CRD installed?)`)
          : err;
      },
    );
    discovery.set(apiVersion, resources);
  }
  return resources;
}

/** Plural and scope of `kind` in `apiVersion`, from API discovery (cached; asked again once for a kind it does not know yet). */
export async function resourceFor(apiVersion: string, kind: string): Promise<ResourceInfo> {
  let found = (await discover(apiVersion)).find((r) => r.kind === kind);
  found ??= (await discover(apiVersion, true)).find((r) => r.kind === kind);
  if (!found) throw new Error(`the server serves no kind ${kind} in ${apiVersion}`);
  return { base: groupBase(apiVersion), plural: found.name, namespaced: found.namespaced };
}

/** REST path of an object, or of its collection when `name` is undefined. */
export async function objectPath(apiVersion: string, kind: string, name: string | undefined, namespace?: string): Promise<string> {
  const { base, plural, namespaced } = await resourceFor(apiVersion, kind);
  const scope = namespaced ? `/namespaces/${encodeURIComponent(namespace ?? 'default')}` : '';
  return `${base}${scope}/${plural}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
}

export interface ApplyOptions {
  /** Validate and admit, store nothing (`?dryRun=All`). @default false */
  readonly dryRun?: boolean;
  /** Owner of the applied fields. @default 'todo-events-tests' */
  readonly fieldManager?: string;
  /** Take over fields another manager owns, as `kubectl apply --server-side --force-conflicts`. @default true */
  readonly force?: boolean;
}

/** The server's answer to a server-side apply. */
export interface ApplyResult {
  /**
   * HTTP status: 200 updated, 201 created, 422 invalid (schema, CEL, immutable field), 403 forbidden
   * (admission), 409 conflict, 500 when the patch does not fit the schema at all (a field the schema
   * does not declare, a string for a number: "failed to create typed patch object").
   */
  readonly status: number;
  readonly ok: boolean;
  /** The object as stored (or as it would be, for a dry run); the `Status` when refused. */
  readonly body: K8sObject;
  /** The server's `Status.message` when refused; '' when accepted. */
  readonly message: string;
  /** `Warning` headers: Pod Security `warn` findings, unknown or duplicate fields, deprecations. */
  readonly warnings: string[];
}

/**
 * Server-side apply (`PATCH` with `application/apply-patch+yaml`), as
 * `kubectl apply --server-side`. Resolves with any status: a refusal is a
 * result to assert on, its `message` the server's reason. Rejects only
 * when the server is unreachable or does not serve the kind.
 */
export async function applyObject(object: K8sObject, options: ApplyOptions = {}): Promise<ApplyResult> {
  const { apiVersion, kind, metadata } = object;
  const path = await objectPath(apiVersion, kind, metadata.name, metadata.namespace);
  const response = await apiRequest<K8sObject>(apiServerConnection(), 'PATCH', path, {
    body: object,
    contentType: 'application/apply-patch+yaml',
    query: {
      fieldManager: options.fieldManager ?? 'todo-events-tests',
      force: String(options.force ?? true),
      dryRun: options.dryRun ? 'All' : undefined,
      // As kubectl since 1.27: duplicate and unknown fields are errors, not warnings. (Server-side apply refuses
      // fields a schema does not declare anyway, CRDs included, where a plain create would prune them silently.)
      fieldValidation: 'Strict',
    },
  });
  const ok = response.status >= 200 && response.status < 300;
  return { status: response.status, ok, body: response.body, message: ok ? '' : statusMessage(response.body), warnings: response.warnings };
}

/** `applyObject` that rejects with the server's message when refused; resolves with the stored object. */
export async function applyOrThrow(object: K8sObject, options: ApplyOptions = {}): Promise<K8sObject> {
  const result = await applyObject(object, options);
  if (!result.ok)
    throw new Error(
      `${object.kind} ${object.metadata.namespace ?? ''}/${object.metadata.name} refused (${result.status}): ${result.message}`,
    );
  return result.body;
}

/** The object, or undefined when it does not exist. Other refusals reject with the server's message. */
export async function getObject<T extends K8sObject = K8sObject>(ref: ObjectRef | K8sObject): Promise<T | undefined> {
  const { apiVersion, kind, name, namespace } = refOf(ref);
  const path = await objectPath(apiVersion, kind, name, namespace);
  try {
    return (await apiCall<T>(apiServerConnection(), 'GET', path)).body;
  } catch (err) {
    if (err instanceof K8sApiError && err.status === 404) return undefined;
    throw err;
  }
}

export interface ListOptions {
  /** `app.kubernetes.io/name=audit-service`. */
  readonly labelSelector?: string;
  /** `involvedObject.name=audit-service-6d4cf56db6`. */
  readonly fieldSelector?: string;
}

/** The objects of one kind in a namespace (or cluster-wide for cluster-scoped kinds, or every namespace when `namespace` is undefined). */
export async function listObjects<T extends K8sObject = K8sObject>(
  apiVersion: string,
  kind: string,
  namespace?: string,
  options: ListOptions = {},
): Promise<T[]> {
  const { base, plural, namespaced } = await resourceFor(apiVersion, kind);
  const scope = namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const { body } = await apiCall<{ items: T[] }>(apiServerConnection(), 'GET', `${base}${scope}/${plural}`, { query: { ...options } });
  return body.items;
}

/** Deletes an object (foreground: dependents first). Resolves false when it did not exist. */
export async function deleteObject(ref: ObjectRef | K8sObject): Promise<boolean> {
  const { apiVersion, kind, name, namespace } = refOf(ref);
  const path = await objectPath(apiVersion, kind, name, namespace);
  try {
    await apiCall(apiServerConnection(), 'DELETE', path, {
      body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' },
    });
    return true;
  } catch (err) {
    if (err instanceof K8sApiError && err.status === 404) return false;
    throw err;
  }
}

/** Creates (or updates, by server-side apply) a namespace with these labels; resolves with its name. */
export async function createNamespace(name: string, labels: Record<string, string> = {}): Promise<string> {
  await applyOrThrow({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
  return name;
}

/**
 * Deletes a namespace and waits until it is gone: the controller manager
 * deletes everything in it first, custom resources included.
 * @default timeoutMs 60000
 */
export async function deleteNamespace(name: string, timeoutMs = 60_000): Promise<void> {
  const ref = { apiVersion: 'v1', kind: 'Namespace', name };
  if (!(await deleteObject(ref))) return;
  await waitFor(async () => ((await getObject(ref)) === undefined ? true : undefined), timeoutMs, `namespace ${name} to be deleted`);
}

/**
 * Polls `predicate` every 250 ms until it returns a value other than
 * undefined, null or false, and resolves with it; rejects after `timeoutMs`
 * naming `what` and the predicate's last error, if any.
 */
export async function waitFor<T>(
  predicate: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs: number,
  what = 'the condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const last = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${last}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

let counter = 0;

/** A name no earlier test run used: `<prefix>-<base36 time>-<n>`, at most 63 characters (a namespace name). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${counter++}`.slice(0, 63);
}

function refOf(ref: ObjectRef | K8sObject): ObjectRef {
  return 'metadata' in ref
    ? { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.metadata.name, namespace: ref.metadata.namespace }
    : ref;
}
