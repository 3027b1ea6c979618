/**
 * `npm run k8s:up`: a real Kubernetes control plane on this machine, no
 * Docker: etcd, kube-apiserver and kube-controller-manager built from the Go
 * module proxy (once, cached by version), the upstream CRDs of
 * `../shared/crds/` installed, and `.local/kubeconfig` plus `.local/k8s/env`
 * for tests. No scheduler and no kubelet: pods are created and admitted,
 * never run. Idempotent: when it is already up it says so and exits 0.
 */
import '../../platform/require-node.cjs';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { ensureLocalDir } from '../local/paths.js';
import { freePorts } from '../local/ports.js';
import { apiRequest, closeConnections, type ApiConnection } from './api-client.js';
import { startApiserver, generateToken, writeCredentials } from './apiserver.js';
import { ensureControlPlaneBinaries, stopBuilds } from './build.js';
import { startControllerManager } from './controller-manager.js';
import { installCrds } from './crds.js';
import { K8S_ENV, readK8sEnv, writeK8sEnv } from './env-file.js';
import { startEtcd } from './etcd.js';
import { writeKubeconfig } from './kubeconfig.js';
import { elapsed, step } from './log.js';
import { apiserverCertFile, K8S_PATHS, SHARED_CRDS_DIR } from './paths.js';
import { anyRunning, runningPid, stopControlPlane } from './stop.js';

/** Whether a complete control plane is up and answering; then there is nothing to do. */
async function alreadyRunning(): Promise<boolean> {
  if (!existsSync(K8S_PATHS.envFile)) return false;
  const pids = [K8S_PATHS.etcd, K8S_PATHS.apiserver, K8S_PATHS.controllerManager].map(runningPid);
  if (pids.includes(undefined)) return false;
  const env = readK8sEnv();
  try {
    const connection: ApiConnection = {
      server: env[K8S_ENV.server] ?? '',
      token: env[K8S_ENV.token] ?? '',
      ca: readFileSync(env[K8S_ENV.caFile] ?? '', 'utf8'),
    };
    if ((await apiRequest(connection, 'GET', '/readyz', { timeoutMs: 5000 })).status !== 200) return false;
  } catch {
    return false;
  }
  console.log(
    `k8s:up: already running: kube-apiserver ${env[K8S_ENV.version]} at ${env[K8S_ENV.server]} (pids ${pids.join(', ')}); settings in ${K8S_PATHS.envFile}`,
  );
  return true;
}

async function serverVersion(connection: ApiConnection): Promise<string> {
  const { body } = await apiRequest<{ gitVersion?: string }>(connection, 'GET', '/version');
  return body.gitVersion ?? 'unknown';
}

/** Starts everything from a fresh etcd; the caller stops it all when this throws. */
async function start(): Promise<void> {
  ensureLocalDir();
  const binaries = await ensureControlPlaneBinaries();
  rmSync(K8S_PATHS.dir, { recursive: true, force: true });
  mkdirSync(K8S_PATHS.dir, { recursive: true, mode: 0o700 });
  const [etcdClient, etcdPeer, apiserverPort, controllerManagerPort] = (await freePorts(4)) as [number, number, number, number];
  const token = generateToken();
  writeCredentials(token);

  const etcd = await startEtcd(binaries.etcd, { client: etcdClient, peer: etcdPeer });
  step(`etcd: healthy (pid ${etcd.pid}) at ${etcd.url}; starting kube-apiserver on 127.0.0.1:${apiserverPort}`);
  const apiserver = await startApiserver(binaries['kube-apiserver'], etcd.url, apiserverPort, token);
  const { connection } = apiserver;
  const version = await serverVersion(connection);
  step(`kube-apiserver: ready (pid ${apiserver.pid}), ${version}; starting kube-controller-manager, installing CRDs`);

  const crdsPresent = existsSync(SHARED_CRDS_DIR);
  if (!crdsPresent) step(`CRDs: ${SHARED_CRDS_DIR} does not exist; no CRDs installed (custom resources will be refused)`);
  const [controllerManagerPid, crds] = await Promise.all([
    startControllerManager(binaries['kube-controller-manager'], controllerManagerPort, connection),
    crdsPresent ? installCrds(connection, SHARED_CRDS_DIR) : Promise.resolve([]),
  ]);
  step(`kube-controller-manager: running (pid ${controllerManagerPid}); CRDs: ${crds.length} Established`);

  const kubeconfig = { server: connection.server, token, caFile: apiserverCertFile() };
  writeKubeconfig(K8S_PATHS.kubeconfig, kubeconfig);
  // Written last: its presence means the control plane is complete.
  writeK8sEnv({
    [K8S_ENV.server]: connection.server,
    [K8S_ENV.token]: token,
    [K8S_ENV.caFile]: kubeconfig.caFile,
    [K8S_ENV.kubeconfig]: K8S_PATHS.kubeconfig,
    [K8S_ENV.version]: version,
    [K8S_ENV.crds]: crds.join(','),
  });
  console.log(
    `k8s:up ready in ${elapsed()}: kube-apiserver ${version} at ${connection.server}, ${crds.length} CRDs; ` +
      `kubeconfig ${K8S_PATHS.kubeconfig}, settings ${K8S_PATHS.envFile}`,
  );
}

/** Stops what this run started and exits: on Ctrl-C, SIGTERM (CI cancelling) or a failure. */
let stopping: Promise<never> | undefined;
function stopAndExit(code: number, message?: string): Promise<never> {
  stopping ??= (async () => {
    if (message) console.error(message);
    stopBuilds();
    await stopControlPlane().catch((err: Error) => console.error(`k8s:up: stopping failed: ${err.message}`));
    closeConnections();
    process.exit(code);
  })();
  return stopping;
}

async function main(): Promise<void> {
  if (await alreadyRunning()) return;
  if (anyRunning() || existsSync(K8S_PATHS.dir)) {
    step('a previous run is partly up; stopping it first');
    await stopControlPlane();
  }
  // The servers run in process groups of their own, so a Ctrl-C reaches only this script: it must stop them.
  // `on`, not `once`: a Ctrl-C arrives twice (from the terminal, and relayed by tsx), and a second signal with no handler would kill the script mid-stop.
  process.on('SIGINT', () => void stopAndExit(130, 'k8s:up: interrupted; stopping what it started'));
  process.on('SIGTERM', () => void stopAndExit(143, 'k8s:up: terminated; stopping what it started'));
  await start();
  closeConnections();
}

main().catch((err: Error) => stopAndExit(1, `k8s:up failed: ${err.message}`));
