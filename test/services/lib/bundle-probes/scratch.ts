/**
 * Where the bundle tests write their bundles: a fresh directory under
 * `build/`, inside the repository so that a bundle finds `node_modules` as
 * `build/services/run.js` does, removed after the file's tests.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** The probes the bundle tests bundle. */
export const PROBES = join(process.cwd(), 'test', 'services', 'lib', 'bundle-probes');

/** A scratch directory named after `prefix`, removed after the calling file's tests. */
export function bundleScratchDir(prefix: string): string {
  mkdirSync(join(process.cwd(), 'build'), { recursive: true });
  const dir = mkdtempSync(join(process.cwd(), 'build', `${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
