/**
 * The SCRAM credential provider as Pulumi stores it: serialized by the
 * closure serializer, then loaded in a fresh Node process the way the
 * dynamic provider host (`@pulumi/pulumi/cmd/dynamic-provider`) loads it,
 * with require-from-string, from the program's directory.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { scramCredentialProvider } from '../../infra/scram-credential-provider.js';
import { REPO_ROOT } from './harness.js';

/** The serialized provider, as `pulumi.dynamic.Resource` produces it (without allowing secrets, so a captured one throws). */
export function serializeScramProvider(): Promise<pulumi.runtime.SerializedFunction> {
  return pulumi.runtime.serializeFunction(() => scramCredentialProvider);
}

/** What a method of the loaded copy returned, or the error it threw. */
export type SerializedCallResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: { name: string; code?: string; canRetry?: boolean; message: string } };

// CommonJS, as the host is. Arguments come on stdin, so no password is on a command line.
const CHILD = `
const { readFileSync } = require('node:fs');
const requireFromString = require(require.resolve('require-from-string', { paths: [require.resolve('@pulumi/pulumi')] }));
const { file, method, args } = JSON.parse(readFileSync(0, 'utf8'));
const provider = requireFromString(readFileSync(file, 'utf8')).handler();
Promise.resolve()
  .then(() => provider[method](...args))
  .then(
    (value) => ({ ok: true, value }),
    (e) => ({ ok: false, error: { name: e.name, code: e.code, canRetry: e.canRetry, message: e.message } }),
  )
  .then((result) => process.stdout.write(JSON.stringify(result)));
`;

/** Calls `method` of the provider loaded from `text` in a fresh Node process, from the repository root. */
export function callSerializedProvider(text: string, method: string, args: unknown[]): SerializedCallResult {
  const dir = mkdtempSync(join(tmpdir(), 'scram-provider-'));
  try {
    const file = join(dir, 'provider.js');
    writeFileSync(file, text, { mode: 0o600 });
    const child = spawnSync(process.execPath, ['-e', CHILD], {
      cwd: REPO_ROOT,
      input: JSON.stringify({ file, method, args }),
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (child.status !== 0 || child.stdout === '') {
      throw new Error(`the serialized provider's process failed (status ${child.status}): ${child.stderr}`);
    }
    return JSON.parse(child.stdout) as SerializedCallResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
