/**
 * Installs the upstream CRDs of `../shared/crds/` with server-side apply, as
 * `kubectl apply --server-side` would, and waits until each is Established
 * (its API is served; discovery lists it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { waitUntil } from '../local/processes.js';
import { apiCall, type ApiConnection } from './api-client.js';

/** Field manager of the CRDs `k8s:up` installs. */
export const CRD_FIELD_MANAGER = 'todo-events-k8s-up';

interface Crd {
  readonly apiVersion: string;
  readonly kind: 'CustomResourceDefinition';
  readonly metadata: { name: string };
  readonly [field: string]: unknown;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory() ? yamlFiles(join(dir, entry.name)) : /\.ya?ml$/.test(entry.name) ? [join(dir, entry.name)] : [],
    )
    .sort();
}

/**
 * Every CustomResourceDefinition in the YAML files under `dir`. Other YAML
 * (Dapr's `pubsub-kafka-metadata.yaml` describes component metadata, it is
 * no API object) and other files (PROVENANCE, licenses) are skipped.
 */
export function readCrds(dir: string): { file: string; crd: Crd }[] {
  return yamlFiles(dir).flatMap((file) =>
    parseAllDocuments(readFileSync(file, 'utf8'))
      .map((doc) => doc.toJS() as Partial<Crd> | null)
      .filter((doc): doc is Crd => doc?.kind === 'CustomResourceDefinition' && doc.apiVersion === 'apiextensions.k8s.io/v1')
      .map((crd) => ({ file: relative(dir, file), crd })),
  );
}

const crdPath = (name: string) => `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`;

/** Applies every CRD under `dir` and resolves with their names once all are Established. */
export async function installCrds(connection: ApiConnection, dir: string): Promise<string[]> {
  const crds = readCrds(dir);
  for (const { crd } of crds) {
    await apiCall(connection, 'PATCH', crdPath(crd.metadata.name), {
      body: crd,
      // JSON is YAML, so the apply content type takes it.
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager: CRD_FIELD_MANAGER, force: 'true' },
      timeoutMs: 60_000,
    });
  }
  const names = crds.map(({ crd }) => crd.metadata.name);
  await waitUntil(
    async () => {
      const pending: string[] = [];
      for (const name of names) {
        const { body } = await apiCall<{ status?: { conditions?: { type: string; status: string }[] } }>(connection, 'GET', crdPath(name));
        if (!body.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) pending.push(name);
      }
      if (pending.length === 0) return true;
      throw new Error(`not Established yet: ${pending.join(', ')}`);
    },
    {
      timeoutMs: 60_000,
      code: 'LOCAL_K8S_CRDS_NOT_ESTABLISHED',
      describe: (reason) => `the CRDs of ${dir} did not become Established: ${reason}`,
    },
  );
  return names;
}
