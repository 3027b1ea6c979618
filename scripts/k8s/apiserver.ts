/**
 * kube-apiserver on loopback: a self-signed serving certificate, one static
 * admin token, RBAC, service-account tokens signed by a key generated per
 * run, and the default admission plugins (PodSecurity among them).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isAlive, startDetached, waitUntil } from '../local/processes.js';
import { apiRequest, type ApiConnection } from './api-client.js';
import { apiserverCertFile, K8S_PATHS } from './paths.js';
import { logTail } from './server-logs.js';

const HOST = '127.0.0.1';

/**
 * Service ClusterIPs come from here; nothing routes them (no kube-proxy),
 * but a Service needs one to be created. Its first address is the
 * `kubernetes` Service's, and a SAN of the serving certificate.
 */
export const SERVICE_CLUSTER_IP_RANGE = '10.96.0.0/16';

/** The `iss` of service-account tokens; the in-cluster name a real cluster uses too. */
export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

/** The static admin: any name works, the group `system:masters` is what RBAC lets do everything. */
export const ADMIN_USER = { name: 'todo-events-admin', uid: 'todo-events-admin', group: 'system:masters' } as const;

/** A random bearer token: 32 bytes, base64url (no comma, so the CSV token file needs no quoting). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Writes the token file and the service-account key pair (a fresh RSA key each run; tokens die with the server). */
export function writeCredentials(token: string): void {
  const { name, uid, group } = ADMIN_USER;
  // token,user,uid,"group1,group2"
  writeFileSync(K8S_PATHS.apiserver.tokenFile, `${token},${name},${uid},"${group}"\n`, { mode: 0o600 });
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  writeFileSync(K8S_PATHS.apiserver.serviceAccountKey, privateKey, { mode: 0o600 });
  writeFileSync(K8S_PATHS.apiserver.serviceAccountPub, publicKey, { mode: 0o644 });
}

/** The kube-apiserver command line. */
export function apiserverArgs(etcdUrl: string, securePort: number): string[] {
  const paths = K8S_PATHS.apiserver;
  return [
    `--etcd-servers=${etcdUrl}`,
    `--bind-address=${HOST}`,
    // Else it advertises the address of the default route (a bind address on loopback does not count), and fails to start without one.
    `--advertise-address=${HOST}`,
    `--secure-port=${securePort}`,
    // No --tls-cert-file: the server generates a CA and a serving certificate for the advertise address into --cert-dir.
    `--cert-dir=${paths.certDir}`,
    `--token-auth-file=${paths.tokenFile}`,
    // RBAC only, as a cluster: the token's group system:masters is bound to cluster-admin; other subjects get what roles grant.
    '--authorization-mode=RBAC',
    `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
    `--service-account-key-file=${paths.serviceAccountPub}`,
    `--service-account-signing-key-file=${paths.serviceAccountKey}`,
    `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
    // The `kubernetes` Service's endpoints would name 127.0.0.1, which Endpoints validation refuses (loopback); nothing here uses them.
    '--endpoint-reconciler-type=none',
    // As kubeadm, kind and managed clusters do: Pod Security admission, not this legacy switch, is what refuses privileged pods.
    '--allow-privileged=true',
    '--profiling=false',
  ];
}

/** Starts kube-apiserver and resolves once `/readyz` answers ok (etcd reached, RBAC roles and CRD controllers up). */
export async function startApiserver(
  binary: string,
  etcdUrl: string,
  securePort: number,
  token: string,
): Promise<{ pid: number; connection: ApiConnection }> {
  const pid = startDetached(binary, apiserverArgs(etcdUrl, securePort), {
    logFile: K8S_PATHS.apiserver.log,
    pidFile: K8S_PATHS.apiserver.pid,
    label: 'kube-apiserver',
  });
  const server = `https://${HOST}:${securePort}`;
  const connection = await waitUntil(
    async () => {
      // The certificate appears once the server has started; until then there is nothing to trust.
      if (!existsSync(apiserverCertFile())) return undefined;
      const connection: ApiConnection = { server, token, ca: readFileSync(apiserverCertFile(), 'utf8') };
      const res = await apiRequest<string>(connection, 'GET', '/readyz', { timeoutMs: 5000 });
      if (res.status === 200) return connection;
      throw new Error(
        `/readyz answered ${res.status}: ${String(res.body)
          .split('\n')
          .filter((l) => l.includes('failed'))
          .join('; ')}`,
      );
    },
    {
      timeoutMs: 120_000,
      intervalMs: 1000,
      code: 'LOCAL_K8S_APISERVER_NOT_READY',
      abort: () => (isAlive(pid) ? undefined : `kube-apiserver (pid ${pid}) exited`),
      describe: (reason) =>
        `kube-apiserver did not become ready at ${server}: ${reason}. Last lines of ${K8S_PATHS.apiserver.log}:\n${logTail(K8S_PATHS.apiserver.log)}`,
    },
  );
  return { pid, connection };
}
