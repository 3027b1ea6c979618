import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'esbuild';
import { builtinRequireModule, isNodeBuiltin } from '../../../services/lib/bundle-builtin-requires.js';
import { deferValidatorCompilation, lazyWasmUtilsModule } from '../../../services/lib/bundle-kafka-client.js';
import { bundleOptions, bundleServices } from '../../../services/lib/bundle.js';
import { bundleScratchDir, PROBES } from './bundle-probes/scratch.js';

const dir = bundleScratchDir('bundle-test');

/** Runs a bundle with the image's memory flags and parses the JSON line it prints. */
function run(bundle: string): Record<string, unknown> {
  const output = execFileSync(process.execPath, [bundle], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '--max-semi-space-size=1 --max-old-space-size=48' },
  });
  return JSON.parse(output) as Record<string, unknown>;
}

describe('the service bundle', () => {
  it('gets Node modules with require, so importing node:http loads neither undici nor http2, nor node:util worker_threads', async () => {
    const bundle = join(dir, 'builtins.js');
    await bundleServices(bundle, join(PROBES, 'builtins.ts'));
    expect(run(bundle)).toEqual({ lazy: [], createServer: 'function', inspect: '{ a: 1 }' });
  });

  it('would load them through ES imports of Node modules (what the plugin avoids)', async () => {
    const bundle = join(dir, 'builtins-plain.js');
    await build({ ...bundleOptions(bundle, join(PROBES, 'builtins.ts')), plugins: [] });
    expect(run(bundle).lazy).toEqual(expect.arrayContaining(['NativeModule internal/deps/undici/undici', 'NativeModule http2']));
  });

  it('loads @platformatic/kafka without compiling a validator or WebAssembly, and both work when first used', async () => {
    const bundle = join(dir, 'kafka-client.js');
    await bundleServices(bundle, join(PROBES, 'kafka-client.ts'));
    const { Consumer } = await import('@platformatic/kafka');
    let unbundled = '';
    try {
      new Consumer({ clientId: 'probe', bootstrapBrokers: ['127.0.0.1:1'], groupId: 'probe', strict: true, sessionTimeout: -1 });
    } catch (err) {
      unbundled = (err as Error).message;
    }
    const result = run(bundle);
    expect(result).toEqual({
      atLoad: { compiled: 0, wasmModules: 0 },
      strictError: unbundled,
      compiledAfter: expect.any(Number),
      roundTrip: 'a reminder, compressed',
      wasmModulesAfter: 1,
    });
    expect(unbundled).toMatch(/sessionTimeout/);
    expect(result.compiledAfter).toBeGreaterThan(0);
  });
});

describe('builtinRequireModule', () => {
  it('requires the module and exports each name through a pure read', () => {
    expect(builtinRequireModule('http', ['createServer', 'default'])).toBe(
      [
        'const builtin = require("node:http");',
        'const read = (key) => builtin[key];',
        'export default builtin;',
        'const e0 = /* @__PURE__ */ read("createServer");',
        'export { e0 as "createServer" };',
        '',
      ].join('\n'),
    );
  });

  it("knows Node's modules by both names and nothing else", () => {
    expect([isNodeBuiltin('http'), isNodeBuiltin('node:http'), isNodeBuiltin('timers/promises'), isNodeBuiltin('pg')]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });
});

describe('deferValidatorCompilation', () => {
  it('refuses a module without a validator to defer, naming the file to update', () => {
    expect(() => deferValidatorCompilation('export const x = 1;', 'dist/clients/base/options.js')).toThrow(
      'dist/clients/base/options.js: no ajv.compile( to defer; @platformatic/kafka changed, update services/lib/bundle-kafka-client.ts',
    );
  });
});

describe('lazyWasmUtilsModule', () => {
  it('stands in for every function the client imports', () => {
    expect(lazyWasmUtilsModule()).toContain('export function lz4Decompress(...args) { return load().lz4Decompress(...args); }');
  });
});
