/** Stopping what `k8s:up` started: used by `k8s:down` and by a failed or interrupted `k8s:up`. */
import { rmSync } from 'node:fs';
import { isOurProcess, readPidFile, stopProcess } from '../local/processes.js';
import { K8S_PATHS, type ProcessPaths } from './paths.js';

/**
 * The pid in a pid file if that process is still ours: every control-plane
 * process has an argument inside `.local/k8s/` of this checkout, while a
 * stale pid file may name an unrelated process after a reboot.
 */
export function runningPid(paths: ProcessPaths): number | undefined {
  const pid = readPidFile(paths.pid);
  return pid !== undefined && isOurProcess(pid, K8S_PATHS.dir) ? pid : undefined;
}

export interface StopOutcome {
  readonly controllerManager: string;
  readonly apiserver: string;
  readonly etcd: string;
}

async function stop(paths: ProcessPaths): Promise<string> {
  const pid = runningPid(paths);
  return pid === undefined ? 'not running' : `${await stopProcess(pid, 'SIGTERM', 15_000)} (pid ${pid})`;
}

/** Stops the controller manager, the API server and etcd (clients before their servers), then removes the run state. Safe when nothing runs. */
export async function stopControlPlane(): Promise<StopOutcome> {
  // The env file goes first: while it exists, tests take the server as usable.
  rmSync(K8S_PATHS.envFile, { force: true });
  rmSync(K8S_PATHS.kubeconfig, { force: true });
  const controllerManager = await stop(K8S_PATHS.controllerManager);
  const apiserver = await stop(K8S_PATHS.apiserver);
  const etcd = await stop(K8S_PATHS.etcd);
  rmSync(K8S_PATHS.dir, { recursive: true, force: true });
  return { controllerManager, apiserver, etcd };
}

/** Whether any control-plane process of this checkout runs. */
export function anyRunning(): boolean {
  return [K8S_PATHS.controllerManager, K8S_PATHS.apiserver, K8S_PATHS.etcd].some((paths) => runningPid(paths) !== undefined);
}
