/**
 * Run state of the local control plane, under `.local/k8s/` (ignored by git,
 * removed by `k8s:down`; etcd's data is fresh on every `k8s:up`), and the
 * kubeconfig beside the other connection files in `.local/`.
 */
import { join, resolve } from 'node:path';
import { LOCAL_DIR, REPO_ROOT } from '../local/paths.js';

const dir = join(LOCAL_DIR, 'k8s');

/** One server process: its log and pid file. */
export interface ProcessPaths {
  readonly log: string;
  readonly pid: string;
}

const proc = (name: string): ProcessPaths => ({ log: join(dir, `${name}.log`), pid: join(dir, `${name}.pid`) });

export const K8S_PATHS = {
  dir,
  /**
   * Connection settings for tests (mode 0600): URL, token, CA file. Written
   * last by `k8s:up` and removed first by `k8s:down`: while it exists, the
   * server is taken as usable.
   */
  envFile: join(dir, 'env'),
  /** A kubeconfig with the admin token, for kubectl and other clients (mode 0600). */
  kubeconfig: join(LOCAL_DIR, 'kubeconfig'),
  etcd: { ...proc('etcd'), dataDir: join(dir, 'etcd-data') },
  apiserver: {
    ...proc('kube-apiserver'),
    /** `--cert-dir`: the server writes its self-signed `apiserver.crt` and key here. */
    certDir: join(dir, 'apiserver-certs'),
    /** `--token-auth-file`: one static token, in group system:masters. */
    tokenFile: join(dir, 'tokens.csv'),
    /** Service-account token signing key (private) and verification key (public). */
    serviceAccountKey: join(dir, 'service-account.key'),
    serviceAccountPub: join(dir, 'service-account.pub'),
  },
  controllerManager: {
    ...proc('kube-controller-manager'),
    kubeconfig: join(dir, 'controller-manager.kubeconfig'),
    certDir: join(dir, 'controller-manager-certs'),
  },
} as const;

/** The certificate kube-apiserver generates in its `--cert-dir`: server certificate then its CA. */
export function apiserverCertFile(): string {
  return join(K8S_PATHS.apiserver.certDir, 'apiserver.crt');
}

/**
 * The upstream CRDs: `../shared/crds` beside the repository, or the folder
 * `SHARED_CRDS_DIR` names (the same rule as test/support/crd-schemas.ts).
 */
export const SHARED_CRDS_DIR = process.env.SHARED_CRDS_DIR ?? resolve(REPO_ROOT, '..', 'shared', 'crds');
