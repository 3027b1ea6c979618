/**
 * `.local/k8s/env`: how tests reach the local API server. Plain `KEY=value`
 * lines like `.local/env` (`set -a; . .local/k8s/env; set +a` works), mode
 * 0600 since it holds the admin token.
 */
import { readEnvFile, writeEnvFile } from '../local/env-files.js';
import { K8S_PATHS } from './paths.js';

export const K8S_ENV = {
  /** `https://127.0.0.1:<port>`. */
  server: 'K8S_API_SERVER',
  /** The static admin token (group system:masters). */
  token: 'K8S_API_TOKEN',
  /** PEM file of the CA that signed the serving certificate. */
  caFile: 'K8S_API_CA_FILE',
  /** The kubeconfig `k8s:up` wrote, for kubectl: `KUBECONFIG=$(…) kubectl get ns`. */
  kubeconfig: 'KUBECONFIG',
  /** What `/version` reports, e.g. `v1.34.4`. */
  version: 'K8S_VERSION',
  /** Names of the CRDs installed from ../shared/crds, comma-separated (empty when that folder is absent). */
  crds: 'K8S_CRDS',
} as const;

export type K8sEnvVars = Record<(typeof K8S_ENV)[keyof typeof K8S_ENV], string>;

export function writeK8sEnv(vars: K8sEnvVars): void {
  writeEnvFile(K8S_PATHS.envFile, 'Local Kubernetes API server; written by npm run k8s:up, removed by npm run k8s:down', vars);
}

export function readK8sEnv(): Record<string, string> {
  return readEnvFile(K8S_PATHS.envFile);
}
