/**
 * Builds etcd, kube-apiserver and kube-controller-manager from the Go module
 * proxy into the cache folder of their versions, once: a second `k8s:up`
 * finds the binaries and builds nothing. The build takes minutes of CPU
 * (the Kubernetes binaries share most of their ~2,300 packages, so they are
 * built by one `go build`), hence the progress lines.
 * @see ../shared/NOTES.md §12
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalEnvError } from '../local/errors.js';
import { run, tail } from '../local/processes.js';
import { ETCD_MAIN_GO, etcdGoMod, kubernetesGoMod, kubernetesLdflags, stagingModules } from './go-modules.js';
import { step, withProgress } from './log.js';
import { binaryPath, BINARIES, CONTROL_PLANE, controlPlaneCacheDir, type BinaryName, type ControlPlaneVersions } from './versions.js';

/** Go processes of a build in progress, stopped by `stopBuilds` when `k8s:up` is interrupted. */
const running = new Set<ChildProcess>();

/** Stops a build in progress (its partial output is never taken for a binary). */
export function stopBuilds(): void {
  for (const child of running) child.kill('SIGTERM');
}

/**
 * `-mod=mod`: our generated module has no go.sum; go records the sums it
 * verifies against the checksum database. `-buildvcs=false`: the cache folder
 * may sit inside someone's git checkout, whose state says nothing about these
 * binaries. `-p 2` keeps the build to two compile jobs on small machines.
 */
function goEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GOFLAGS: '-mod=mod -buildvcs=false' };
}

function goVersionAtLeast(found: string, minimum: string): boolean {
  const parts = (v: string) => (/^(\d+)\.(\d+)(?:\.(\d+))?/.exec(v) ?? []).slice(1, 4).map((n) => Number(n ?? 0));
  const [a, b] = [parts(found), parts(minimum)];
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

/** Fails with what to install when Go is missing or older than the modules need. */
export async function checkGo(versions: ControlPlaneVersions = CONTROL_PLANE): Promise<string> {
  const install = `install Go >= ${versions.minimumGo} from https://go.dev/dl/ (Debian's golang package is older) and put its bin/ on PATH`;
  const output = await run('go', ['env', 'GOVERSION'], { label: 'go env GOVERSION' }).catch((err: Error) => {
    throw new LocalEnvError(
      'LOCAL_K8S_NO_GO',
      `building the Kubernetes control plane needs Go, and \`go\` did not run (${err.message}); ${install}`,
    );
  });
  const found = output.trim().replace(/^go/, '');
  if (!goVersionAtLeast(found, versions.minimumGo)) {
    throw new LocalEnvError(
      'LOCAL_K8S_OLD_GO',
      `Go ${found} is too old to build etcd ${versions.etcd} and Kubernetes ${versions.kubernetes}; ${install}`,
    );
  }
  return found;
}

/** How many packages (the standard library's included) `packages` need: the denominator of the progress lines. */
async function dependencyCount(cwd: string, packages: readonly string[]): Promise<number | undefined> {
  const output = await run('go', ['list', '-deps', ...packages], { cwd, env: goEnv(), label: 'go list -deps' }).catch(() => undefined);
  return output?.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('go: ')).length;
}

/**
 * Runs one `go build -v` of `packages` and resolves when it succeeds. `-v`
 * names each package as it is compiled (cached ones are not named), which
 * the progress lines count.
 */
async function goBuild(label: string, cwd: string, flags: readonly string[], packages: readonly string[]): Promise<void> {
  const total = await dependencyCount(cwd, packages);
  const args = [...flags, ...packages];
  let compiled = 0;
  let downloads = 0;
  let last = '';
  let output = '';
  const work = new Promise<void>((resolve, reject) => {
    const child = spawn('go', ['build', '-p', '2', '-v', ...args], { cwd, env: goEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      output = (output + text).slice(-20_000);
      for (const line of text.split('\n')) {
        if (line.startsWith('go: downloading')) downloads++;
        else if (/^[\w.-]+(\/[\w.@~+-]+)*$/.test(line.trim()) && line.trim() !== '') {
          compiled++;
          last = line.trim();
        }
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (err) => reject(new LocalEnvError('LOCAL_K8S_BUILD_FAILED', `${label}: could not start go: ${err.message}`)));
    child.on('close', (code, signal) => {
      running.delete(child);
      if (code === 0) resolve();
      else reject(new LocalEnvError('LOCAL_K8S_BUILD_FAILED', `${label}: go build exited with ${code ?? signal}:\n${tail(output, 40)}`));
    });
  });
  const of = total === undefined ? '' : ` of ${total}`;
  return withProgress(
    (seconds) =>
      `${label}: building (${seconds}s): ${compiled}${of} packages compiled${downloads ? `, ${downloads} modules downloaded` : ''}${last ? `, last ${last}` : ''}`,
    work,
  );
}

/** The `v0.0.0` staging requirements of `k8s.io/kubernetes`, read from its go.mod in the module cache. */
async function kubernetesStagingModules(cwd: string, versions: ControlPlaneVersions): Promise<string[]> {
  const json = await run('go', ['mod', 'download', '-json', `k8s.io/kubernetes@${versions.kubernetes}`], {
    cwd,
    env: goEnv(),
    label: `go mod download k8s.io/kubernetes@${versions.kubernetes}`,
  });
  const { GoMod } = JSON.parse(json) as { GoMod?: string };
  if (!GoMod)
    throw new LocalEnvError(
      'LOCAL_K8S_BUILD_FAILED',
      `go mod download k8s.io/kubernetes@${versions.kubernetes} named no go.mod:\n${tail(json)}`,
    );
  return stagingModules(readFileSync(GoMod, 'utf8'));
}

/** Checks what a binary says its version is: a build without the ldflags would say v0.0.0. */
async function checkVersion(file: string, expected: string): Promise<void> {
  const output = await run(file, ['--version'], { label: `${file} --version` });
  if (!output.includes(expected)) {
    throw new LocalEnvError('LOCAL_K8S_BUILD_FAILED', `${file} reports ${JSON.stringify(output.trim())}, expected ${expected}`);
  }
}

async function buildAll(versions: ControlPlaneVersions): Promise<void> {
  const root = controlPlaneCacheDir(versions);
  // Binaries are built here and moved into bin/ once checked, so an interrupted build is never taken for a finished one.
  const partial = join(root, 'partial');
  const kubeDir = join(root, 'src', 'kubernetes');
  const etcdDir = join(root, 'src', 'etcd');
  rmSync(partial, { recursive: true, force: true });
  for (const dir of [partial, kubeDir, etcdDir, join(root, 'bin')]) mkdirSync(dir, { recursive: true });

  const staging = await kubernetesStagingModules(root, versions);
  writeFileSync(join(kubeDir, 'go.mod'), kubernetesGoMod(versions, staging));
  writeFileSync(join(etcdDir, 'go.mod'), etcdGoMod(versions));
  writeFileSync(join(etcdDir, 'main.go'), ETCD_MAIN_GO);
  step(`build: Go modules in ${join(root, 'src')} (k8s.io/kubernetes ${versions.kubernetes}, ${staging.length} staging modules replaced)`);

  const missing = (name: BinaryName) => !existsSync(binaryPath(name, versions));
  if (missing('kube-apiserver') || missing('kube-controller-manager')) {
    const since = Date.now();
    await goBuild(
      'kube-apiserver, kube-controller-manager',
      kubeDir,
      // `-o <dir>/` with two main packages writes both binaries there.
      ['-ldflags', kubernetesLdflags(versions.kubernetes), '-o', `${partial}/`],
      ['k8s.io/kubernetes/cmd/kube-apiserver', 'k8s.io/kubernetes/cmd/kube-controller-manager'],
    );
    for (const name of ['kube-apiserver', 'kube-controller-manager'] as const) {
      await checkVersion(join(partial, name), `Kubernetes ${versions.kubernetes}`);
      renameSync(join(partial, name), binaryPath(name, versions));
    }
    step(`build: kube-apiserver and kube-controller-manager built in ${Math.round((Date.now() - since) / 1000)}s`);
  }
  if (missing('etcd')) {
    const since = Date.now();
    await goBuild('etcd', etcdDir, ['-o', join(partial, 'etcd')], ['.']);
    await checkVersion(join(partial, 'etcd'), `etcd Version: ${versions.etcd.replace(/^v/, '')}`);
    renameSync(join(partial, 'etcd'), binaryPath('etcd', versions));
    step(`build: etcd built in ${Math.round((Date.now() - since) / 1000)}s`);
  }
  rmSync(partial, { recursive: true, force: true });
}

/**
 * The three binaries, built first when any is missing. Go is only needed
 * then: a machine with the cache folder filled needs no Go at all.
 */
export async function ensureControlPlaneBinaries(versions: ControlPlaneVersions = CONTROL_PLANE): Promise<Record<BinaryName, string>> {
  const paths = Object.fromEntries(BINARIES.map((name) => [name, binaryPath(name, versions)])) as Record<BinaryName, string>;
  const missing = BINARIES.filter((name) => !existsSync(paths[name]));
  if (missing.length === 0) {
    step(`binaries: cached in ${controlPlaneCacheDir(versions)}`);
    return paths;
  }
  const go = await checkGo(versions);
  step(
    `build: ${missing.join(', ')} with Go ${go} into ${controlPlaneCacheDir(versions)}; ` +
      'the first build takes several minutes of CPU (once per version; later runs reuse it)',
  );
  await buildAll(versions);
  return paths;
}
