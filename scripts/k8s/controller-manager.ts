/**
 * kube-controller-manager: turns Deployments into ReplicaSets and Pods (so
 * Pod Security admission judges real pod creations), creates each
 * namespace's `default` ServiceAccount and `kube-root-ca.crt`, and empties
 * deleted namespaces. Without a scheduler or kubelet, pods stay Pending.
 */
import { isAlive, startDetached, waitUntil } from '../local/processes.js';
import { apiRequest, type ApiConnection } from './api-client.js';
import { writeKubeconfig } from './kubeconfig.js';
import { apiserverCertFile, K8S_PATHS } from './paths.js';
import { logTail } from './server-logs.js';

/** The kube-controller-manager command line. */
export function controllerManagerArgs(securePort: number): string[] {
  const paths = K8S_PATHS.controllerManager;
  return [
    // The admin token: the controllers act as system:masters, so no per-controller RBAC (or --use-service-account-credentials) is needed.
    `--kubeconfig=${paths.kubeconfig}`,
    // Its own health endpoint authenticates and authorizes callers through the API server; the same kubeconfig lets it.
    `--authentication-kubeconfig=${paths.kubeconfig}`,
    `--authorization-kubeconfig=${paths.kubeconfig}`,
    '--bind-address=127.0.0.1',
    // A free port instead of the default 10257, which a real control plane on this machine may hold.
    `--secure-port=${securePort}`,
    `--cert-dir=${paths.certDir}`,
    // '*' is the default set: every controller that is on by default.
    '--controllers=*',
    // One instance: no lease to wait for at start.
    '--leader-elect=false',
    // The legacy token controller signs with it; the API server verifies with the matching public key.
    `--service-account-private-key-file=${K8S_PATHS.apiserver.serviceAccountKey}`,
    // Published in every namespace as kube-root-ca.crt, which projected service-account volumes mount.
    `--root-ca-file=${apiserverCertFile()}`,
  ];
}

/**
 * Starts kube-controller-manager and resolves once its controllers work:
 * the ServiceAccount controller has created `default` in `default`.
 */
export async function startControllerManager(binary: string, securePort: number, connection: ApiConnection): Promise<number> {
  writeKubeconfig(K8S_PATHS.controllerManager.kubeconfig, {
    server: connection.server,
    token: connection.token,
    caFile: apiserverCertFile(),
  });
  const pid = startDetached(binary, controllerManagerArgs(securePort), {
    logFile: K8S_PATHS.controllerManager.log,
    pidFile: K8S_PATHS.controllerManager.pid,
    label: 'kube-controller-manager',
  });
  await waitUntil(
    async () => {
      const res = await apiRequest(connection, 'GET', '/api/v1/namespaces/default/serviceaccounts/default', { timeoutMs: 5000 });
      return res.status === 200 ? true : undefined;
    },
    {
      timeoutMs: 90_000,
      intervalMs: 1000,
      code: 'LOCAL_K8S_CONTROLLER_MANAGER_NOT_READY',
      abort: () => (isAlive(pid) ? undefined : `kube-controller-manager (pid ${pid}) exited`),
      describe: (reason) =>
        `kube-controller-manager did not create the default ServiceAccount: ${reason}. ` +
        `Last lines of ${K8S_PATHS.controllerManager.log}:\n${logTail(K8S_PATHS.controllerManager.log)}`,
    },
  );
  return pid;
}
