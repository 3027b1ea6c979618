/**
 * esbuild plugins of the service bundle that defer what @platformatic/kafka
 * (2.12.1) does when it loads until it is needed, which for the services is
 * never. Importing the client cost a bundled service about 21 MiB of
 * resident memory before it connected to anything.
 *
 * - `lazyKafkaValidators`: each `dist/clients/<kind>/options.js` compiles
 *   its option schemas with Ajv at load, 38 of them (admin 23, consumer 9,
 *   producer 4, base 2). Ajv turns a schema into JavaScript source and
 *   compiles it with `new Function`: about 12 MiB (V8's parser and compiler
 *   pages of the Node binary, the generated code and its source on the
 *   heap; a bundle importing the client, with the image's NODE_OPTIONS:
 *   74.3 MiB resident, 62.4 with the validators deferred). The client calls
 *   a validator only when its `strict` option is set
 *   (`Base[kValidateOptions]`, `dist/clients/base/base.js`, returns at once
 *   otherwise), which the services never set, except the group options' one
 *   that a `Consumer` runs when it is created (`#validateGroupOptions`): that
 *   one alone is compiled, then.
 * - `lazyWasmUtils`: `@platformatic/wasm-utils` compiles and instantiates
 *   its WebAssembly (CRC-32C, LZ4, Snappy) at load, and as an ES module
 *   outside the bundle it brings `node:fs`'s ES facade (readline and the
 *   promises API) with it: 4 MiB alone. The client needs it only for lz4 or
 *   snappy batches (CRC-32C comes from the native `@node-rs/crc32`, an
 *   optional dependency installed on Linux), and the services neither write
 *   nor, in this platform, read compressed batches.
 */
import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';

/** The client's modules that compile validators at load (`dist/clients/<kind>/options.js`). */
export const KAFKA_OPTIONS_MODULES = /[\\/]@platformatic[\\/]kafka[\\/]dist[\\/]clients[\\/][^\\/]+[\\/]options\.js$/;

/**
 * What every rewritten options module gets: a validator with Ajv's calling
 * convention that compiles the same schema with the same `ajv` instance
 * (its custom keywords were added when `utils.js` loaded) on its first call
 * and copies `errors` over afterwards, which is all the client reads of it
 * (`kFormatValidationErrors`). With `strict: true` the behaviour is the
 * same, only later.
 */
const LAZY_COMPILE = `
function __lazyCompile(schema) {
  let compiled;
  const validate = (data) => {
    compiled ??= ajv.compile(schema);
    const valid = compiled(data);
    validate.errors = compiled.errors;
    return valid;
  };
  validate.errors = null;
  return validate;
}
`;

/**
 * `source` (one options module) with every `ajv.compile(` made lazy; throws
 * when it holds none, so a client version that moved its validators fails
 * the build instead of silently keeping the cost.
 */
export function deferValidatorCompilation(source: string, file = 'options.js'): string {
  const rewritten = source.replaceAll('ajv.compile(', '__lazyCompile(');
  if (rewritten === source) {
    throw new Error(`${file}: no ajv.compile( to defer; @platformatic/kafka changed, update services/lib/bundle-kafka-client.ts`);
  }
  return `${rewritten}\n${LAZY_COMPILE}`;
}

/** An esbuild plugin that bundles the modules `filter` matches as `rewrite` returns their source. */
export function sourceRewritePlugin(name: string, filter: RegExp, rewrite: (source: string, file: string) => string): Plugin {
  return {
    name,
    setup(build) {
      build.onLoad({ filter }, async (args) => ({ contents: rewrite(await readFile(args.path, 'utf8'), args.path), loader: 'js' }));
    },
  };
}

/** Rewrites `KAFKA_OPTIONS_MODULES` as they are bundled (`deferValidatorCompilation`). */
export const lazyKafkaValidators = sourceRewritePlugin('lazy-kafka-validators', KAFKA_OPTIONS_MODULES, deferValidatorCompilation);

/** The package, still loaded from `node_modules` (it reads its `.wasm` next to its code). */
export const WASM_UTILS = '@platformatic/wasm-utils';

/** Functions of `WASM_UTILS` the client imports (`dist/protocol/crc32c.js`, `dist/protocol/compression.js`). */
export const WASM_UTILS_FUNCTIONS: readonly string[] = ['crc32c', 'lz4Compress', 'lz4Decompress', 'snappyCompress', 'snappyDecompress'];

/**
 * The module that stands for `WASM_UTILS` in the bundle: each function
 * loads the package on its first call, with `require` (the banner's; Node 22
 * loads an ES module that way when it has no top-level await, as this one),
 * and calls the real one, synchronously as before.
 */
export function lazyWasmUtilsModule(): string {
  const lines = [`let utils;`, `const load = () => (utils ??= require(${JSON.stringify(WASM_UTILS)}));`];
  for (const name of WASM_UTILS_FUNCTIONS) lines.push(`export function ${name}(...args) { return load().${name}(...args); }`);
  return `${lines.join('\n')}\n`;
}

/** The namespace of the stand-in module. */
const LAZY_NAMESPACE = 'lazy-wasm-utils';

/** Resolves the client's imports of `WASM_UTILS` to `lazyWasmUtilsModule`; the stand-in's own `require` stays external. */
export const lazyWasmUtils: Plugin = {
  name: 'lazy-wasm-utils',
  setup(build) {
    build.onResolve({ filter: /^@platformatic\/wasm-utils$/ }, (args) =>
      args.kind === 'import-statement' ? { path: WASM_UTILS, namespace: LAZY_NAMESPACE } : { path: WASM_UTILS, external: true },
    );
    build.onLoad({ filter: /.*/, namespace: LAZY_NAMESPACE }, () => ({ contents: lazyWasmUtilsModule(), loader: 'js' }));
  },
};
