import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatReport, runChecks, type Machine } from '../../scripts/doctor/checks.js';
import { freePorts } from '../../scripts/local/ports.js';
import { REPO_ROOT } from '../../scripts/local/paths.js';

let dir: string;
let machine: Machine;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'doctor-'));
  for (const sub of ['bin', 'cache', 'local']) mkdirSync(join(dir, sub));
  // A fresh machine: nothing on PATH, an empty cache, Node 20.
  machine = {
    path: join(dir, 'bin'),
    nodeVersion: '20.20.2',
    nodeExecPath: '/usr/bin/node',
    cacheDir: join(dir, 'cache'),
    localDir: join(dir, 'local', '.local'),
    repoRoot: REPO_ROOT,
    isRoot: false,
    postgresRoot: join(dir, 'no-postgresql'),
    goDirs: [],
    servicePorts: await freePorts(2),
  };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Puts a stub command on the machine's PATH that prints `text` and succeeds. */
function install(command: string, text = ''): void {
  const file = join(dir, 'bin', command);
  writeFileSync(file, `#!/bin/sh\necho '${text}' >&2\n`);
  chmodSync(file, 0o755);
}

describe('npm run doctor', () => {
  it('lists on a fresh machine everything that is missing, each with the command that installs it', async () => {
    const report = formatReport(await runChecks(machine));
    const missing = report.split('\n').filter((line) => line.startsWith('  MISSING'));
    expect(missing).toEqual([
      expect.stringMatching(
        /^ {2}MISSING Node\.js 22\.22\.0 or newer \(found 20\.20\.2 at \/usr\/bin\/node\): .*run `\. scripts\/node22\.sh` in each new shell/,
      ),
      '  MISSING Java 17 or newer (found none): local:up runs the Kafka broker on it: sudo apt-get install -y openjdk-17-jre-headless',
      '  MISSING Maven (found none): the first local:up fetches the Kafka 4.4.0 jars with it: sudo apt-get install -y maven',
      "  MISSING PostgreSQL server binaries initdb and postgres (found none): local:up runs the services' database with them: sudo apt-get install -y postgresql",
      '  MISSING promtool (found none): npm test checks the alert rules with it: sudo apt-get install -y prometheus',
      expect.stringMatching(/^ {2}MISSING Go 1\.26\.0 or newer \(found none\): k8s:up builds .*https:\/\/go\.dev\/dl\//),
    ]);
    expect(report.split('\n').at(-1)).toBe('doctor: 6 missing: install them with the commands above, then run npm run doctor again');
  });

  it('reports all clear once they are installed', async () => {
    install('java', 'openjdk version "17.0.15" 2025-04-15');
    install('mvn', 'Apache Maven 3.8.7');
    install('initdb');
    install('postgres');
    install('promtool', 'promtool, version 2.42.0+ds');
    install('go', 'go version go1.26.8 linux/amd64');
    const results = await runChecks({ ...machine, nodeVersion: '22.23.3' });
    expect(results.filter((r) => r.status === 'missing')).toEqual([]);
    expect(formatReport(results).split('\n').at(-1)).toBe('doctor: all clear');
  });

  it('refuses a Java or Go that is too old, and names the Go that is off PATH', async () => {
    install('java', 'openjdk version "11.0.2"');
    const goDir = join(dir, 'go', 'bin');
    mkdirSync(goDir, { recursive: true });
    writeFileSync(join(goDir, 'go'), "#!/bin/sh\necho 'go version go1.26.8 linux/amd64'\n");
    chmodSync(join(goDir, 'go'), 0o755);
    const results = await runChecks({ ...machine, goDirs: [goDir] });
    expect(results.find((r) => r.what.startsWith('Java'))).toMatchObject({ status: 'missing', what: 'Java 17 or newer (found 11)' });
    expect(results.find((r) => r.what.startsWith('Go'))).toMatchObject({
      status: 'warn',
      fix: `it is not on PATH: export PATH="${goDir}:$PATH"`,
    });
  });

  it('needs neither Maven nor Go once the Kafka jars and the control plane are cached', async () => {
    mkdirSync(join(dir, 'cache', 'kafka-4.4.0'), { recursive: true });
    writeFileSync(join(dir, 'cache', 'kafka-4.4.0', '.complete'), '');
    mkdirSync(join(dir, 'cache', 'k8s-v1.34.4-etcd-v3.6.16', 'bin'), { recursive: true });
    for (const name of ['etcd', 'kube-apiserver', 'kube-controller-manager'])
      writeFileSync(join(dir, 'cache', 'k8s-v1.34.4-etcd-v3.6.16', 'bin', name), '');
    const results = await runChecks(machine);
    expect(results.find((r) => r.what.startsWith('Maven'))?.status).toBe('ok');
    expect(results.find((r) => r.what.startsWith('Go'))?.status).toBe('ok');
  });

  it('says, as root, which parent folder PostgreSQL cannot get through', async () => {
    const closed = join(dir, 'local');
    chmodSync(closed, 0o700);
    const results = await runChecks({ ...machine, isRoot: true });
    expect(results.find((r) => r.what.startsWith('run state'))).toMatchObject({
      status: 'missing',
      what: `run state ${machine.localDir} (${closed} is not searchable by others)`,
    });
  });
});
