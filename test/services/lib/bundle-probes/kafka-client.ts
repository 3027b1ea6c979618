/**
 * Bundled by bundle.test.ts: loads @platformatic/kafka as a service does and
 * prints what that load compiled, then uses what was deferred.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';

let compiled = 0;
const compile = Ajv2020.prototype.compile;
Ajv2020.prototype.compile = function (this: Ajv2020, ...args: Parameters<Ajv2020['compile']>) {
  compiled++;
  return compile.apply(this, args);
} as Ajv2020['compile'];

let wasmModules = 0;
// This project's TypeScript libraries declare no WebAssembly; the global is there at run time.
const wasm = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => object } }).WebAssembly;
wasm.Module = new Proxy(wasm.Module, {
  construct(target, args: [Uint8Array]) {
    wasmModules++;
    return Reflect.construct(target, args) as object;
  },
});

const { Consumer, compressionsAlgorithms } = await import('@platformatic/kafka');
const atLoad = { compiled, wasmModules };

let strictError = '';
try {
  new Consumer({ clientId: 'probe', bootstrapBrokers: ['127.0.0.1:1'], groupId: 'probe', strict: true, sessionTimeout: -1 });
} catch (err) {
  strictError = (err as Error).message;
}
const lz4 = compressionsAlgorithms.lz4;
const roundTrip = lz4.decompressSync(lz4.compressSync(Buffer.from('a reminder, compressed'))).toString();
process.stdout.write(`${JSON.stringify({ atLoad, strictError, compiledAfter: compiled, roundTrip, wasmModulesAfter: wasmModules })}\n`);
