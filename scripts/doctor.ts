/**
 * `npm run doctor`: checks what this project needs on this machine (Node.js,
 * Java, Maven, PostgreSQL, promtool, Go, free ports, the cache) and prints
 * what is missing with the command that installs it, or "all clear". Exits 1
 * when something is missing. It runs on any Node.js, so it can say that the
 * Node.js is the problem.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { formatReport, runChecks } from './doctor/checks.js';
import { CACHE_DIR, LOCAL_DIR, REPO_ROOT } from './local/paths.js';

const results = await runChecks({
  path: process.env.PATH ?? '',
  nodeVersion: process.versions.node,
  nodeExecPath: process.execPath,
  cacheDir: CACHE_DIR ?? join(homedir(), '.cache', 'todo-events'),
  localDir: LOCAL_DIR,
  repoRoot: REPO_ROOT,
  isRoot: process.getuid?.() === 0,
});
console.log(formatReport(results));
process.exitCode = results.some((r) => r.status === 'missing') ? 1 : 0;
