/**
 * The Node.js release this project needs, checked before anything else loads.
 *
 * Loaded first by every entry point: as a preload (`node --require
 * ./platform/require-node.cjs …` in package.json's scripts and jest.config.js)
 * and as the first import of each entry file, for people who run one directly
 * (`npx tsx services/run.ts audit`). ES module imports are hoisted and linked
 * before any code runs, so the check lives in a module of its own, in plain
 * CommonJS that every Node.js release can load, with no imports.
 *
 * On an older Node.js it prints one line naming the release and the fix, and
 * exits 1, instead of letting the program fail later and elsewhere (Node 20
 * lacks `Promise.withResolvers`, which the Kafka client calls while connecting).
 * `npm run doctor` reports the same problem among the others.
 */
'use strict';

/** Oldest release that runs everything here (package.json `engines`, `.nvmrc`, `.node-version`). @default 22.22 */
const REQUIRED_NODE = { major: 22, minor: 22 };

/** The one-line message for `version` (e.g. `20.20.2`), or undefined when it is new enough. */
function nodeVersionProblem(version, execPath) {
  const [major, minor] = String(version).split('.').map(Number);
  if (major > REQUIRED_NODE.major || (major === REQUIRED_NODE.major && minor >= REQUIRED_NODE.minor)) return undefined;
  const where = execPath ? ` (${execPath})` : '';
  return (
    `This project needs Node.js ${REQUIRED_NODE.major}.${REQUIRED_NODE.minor} or newer, but this is Node.js ${version}${where}: ` +
    'run `. scripts/node22.sh` in this shell (once per new shell), then run the command again.'
  );
}

const problem = nodeVersionProblem(process.versions.node, process.execPath);
if (problem !== undefined) {
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}

module.exports = { REQUIRED_NODE, nodeVersionProblem };
