/** Kubeconfig files for the local API server: one for people and tools in `.local/`, one for the controller manager. */
import { chmodSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

/** The context, cluster and user name in the kubeconfig `k8s:up` writes. */
export const KUBECONFIG_CONTEXT = 'todo-events-local';

export interface KubeconfigInput {
  readonly server: string;
  readonly token: string;
  /** PEM file of the CA that signed the server's certificate. */
  readonly caFile: string;
}

/** A kubeconfig with one cluster, one token user and one context, selected. */
export function renderKubeconfig(input: KubeconfigInput): string {
  const name = KUBECONFIG_CONTEXT;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: input.server, 'certificate-authority': input.caFile } }],
    users: [{ name, user: { token: input.token } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: 'default' } }],
    'current-context': name,
  });
}

/** Writes a kubeconfig readable by its owner only: it holds the admin token. */
export function writeKubeconfig(file: string, input: KubeconfigInput): void {
  writeFileSync(file, renderKubeconfig(input), { mode: 0o600 });
  chmodSync(file, 0o600);
}
