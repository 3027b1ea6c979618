/** etcd for the local API server: one member on loopback, a fresh data directory each run. */
import { mkdirSync } from 'node:fs';
import { LocalEnvError } from '../local/errors.js';
import { isAlive, startDetached, waitUntil } from '../local/processes.js';
import { logTail } from './server-logs.js';
import { K8S_PATHS } from './paths.js';

const HOST = '127.0.0.1';

export interface EtcdPorts {
  readonly client: number;
  readonly peer: number;
}

/** The etcd command line. */
export function etcdArgs(ports: EtcdPorts): string[] {
  const client = `http://${HOST}:${ports.client}`;
  const peer = `http://${HOST}:${ports.peer}`;
  return [
    '--name=local',
    `--data-dir=${K8S_PATHS.etcd.dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    // Peer URLs on a port of our own: etcd's default 2380 may be taken by another etcd on this machine.
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=local=${peer}`,
    // The data is thrown away after the run; an fsync per write only slows every apply on a slow disk.
    '--unsafe-no-fsync',
    '--log-level=warn',
  ];
}

/** Starts etcd and resolves with its pid and client URL once `/health` answers healthy. */
export async function startEtcd(binary: string, ports: EtcdPorts): Promise<{ pid: number; url: string }> {
  mkdirSync(K8S_PATHS.etcd.dataDir, { recursive: true, mode: 0o700 });
  const pid = startDetached(binary, etcdArgs(ports), { logFile: K8S_PATHS.etcd.log, pidFile: K8S_PATHS.etcd.pid, label: 'etcd' });
  const url = `http://${HOST}:${ports.client}`;
  await waitUntil(
    async () => {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      const body = (await res.json()) as { health?: string };
      return body.health === 'true' ? true : undefined;
    },
    {
      timeoutMs: 30_000,
      code: 'LOCAL_K8S_ETCD_NOT_READY',
      abort: () => (isAlive(pid) ? undefined : `etcd (pid ${pid}) exited`),
      describe: (reason) =>
        `etcd did not become healthy at ${url}: ${reason}. Last lines of ${K8S_PATHS.etcd.log}:\n${logTail(K8S_PATHS.etcd.log)}`,
    },
  );
  if (!isAlive(pid)) throw new LocalEnvError('LOCAL_K8S_ETCD_NOT_READY', `etcd (pid ${pid}) exited; see ${K8S_PATHS.etcd.log}`);
  return { pid, url };
}
