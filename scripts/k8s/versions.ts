/**
 * The versions of the local Kubernetes control plane, built from the Go
 * module proxy into a cache folder named after them, so a version bump
 * rebuilds and nothing else does.
 * @see ../shared/NOTES.md §12
 */
import { join } from 'node:path';
import { CACHE_DIR } from '../local/paths.js';

export interface ControlPlaneVersions {
  /** `k8s.io/kubernetes` release: kube-apiserver and kube-controller-manager. */
  readonly kubernetes: string;
  /** `go.etcd.io/etcd/server/v3` release. */
  readonly etcd: string;
  /**
   * Oldest Go that builds both: the highest `go` line of the two modules. Go
   * is not switched for us (`GOTOOLCHAIN=local` on Debian-style installs),
   * so an older one fails with this number rather than a module error.
   */
  readonly minimumGo: string;
}

/**
 * Kubernetes 1.34.4, and the newest etcd 3.6 the proxy serves whose module
 * builds with Go 1.26 (v3.6.16's go.mod says `go 1.26.0`; Kubernetes 1.34's
 * says `go 1.24.0`). The API server only speaks the etcd v3 API, so any 3.6
 * patch release serves it.
 */
export const CONTROL_PLANE: ControlPlaneVersions = {
  kubernetes: 'v1.34.4',
  etcd: 'v3.6.16',
  minimumGo: '1.26.0',
};

/** The names of the binaries, as built and as started. */
export const BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager'] as const;
export type BinaryName = (typeof BINARIES)[number];

/** `~/.cache/todo-events/k8s-v1.34.4-etcd-v3.6.16`: the Go modules we generate and the binaries. */
export function controlPlaneCacheDir(versions: ControlPlaneVersions = CONTROL_PLANE): string {
  return join(CACHE_DIR, `k8s-${versions.kubernetes}-etcd-${versions.etcd}`);
}

/** Where a built binary lives. */
export function binaryPath(name: BinaryName, versions: ControlPlaneVersions = CONTROL_PLANE): string {
  return join(controlPlaneCacheDir(versions), 'bin', name);
}

/**
 * The staging modules' version for a Kubernetes release: `v1.34.4` →
 * `v0.34.4` (k8s.io/api, k8s.io/client-go, … are tagged v0.<minor>.<patch>).
 */
export function stagingVersion(kubernetes: string): string {
  const match = /^v1\.(\d+)\.(\d+)$/.exec(kubernetes);
  if (!match) throw new Error(`Kubernetes version ${JSON.stringify(kubernetes)} is not of the form v1.<minor>.<patch>`);
  return `v0.${match[1]}.${match[2]}`;
}
