/**
 * The services as the container image runs them: `services/run.ts` and
 * everything it imports (the platform spec, @platformatic/kafka, pg,
 * prom-client, ws) bundled and minified into one ES module,
 * `build/services/run.js`. The Dockerfile's build stage and the bench both
 * call `bundleServices`, so the bench measures the image's code.
 *
 *   npx tsx services/lib/bundle.ts build/services/run.js
 *
 * Why a bundle rather than `tsc` output (measured with the audit service,
 * idle, `--max-semi-space-size=1`): 92 MiB resident instead of 109 MiB. V8
 * keeps the source text of every loaded module on its heap, and a minified
 * bundle has no comments, no whitespace and one module record instead of
 * about 400; the anonymous memory fell from 54 to 37 MiB.
 *
 * Three esbuild plugins cut what a service loads at start-up (measured from
 * the bundle with the image's NODE_OPTIONS, each service right after it is
 * ready and caught up: 88–92 MiB resident before, 76–77 after):
 * - `builtinRequires` (bundle-builtin-requires.ts): Node's own modules come
 *   from `require`, not ES `import`, whose facade loads what they export
 *   lazily (an ES import of `node:http` loads undici and `http2`): 4 MiB;
 * - `lazyKafkaValidators` and `lazyWasmUtils` (bundle-kafka-client.ts): the
 *   Kafka client's option validators and WebAssembly are set up when first
 *   used, which for the services is all but never: 6.5 MiB.
 * A fourth, `leanKafkaMessages` (bundle-kafka-messages.ts), gives each
 * consumed message less to carry while it waits in a backlog and leaves
 * less garbage per record behind it, and a fifth,
 * `onePassKafkaRecords` (bundle-kafka-records.ts), decodes each fetched
 * record batch in one pass over the response's chunks instead of field by
 * field, each read finding its chunk again.
 * (And the platform spec the services resolve at start-up is not sorted with
 * `localeCompare`, which loads ICU: 1.5 MiB, see platform-defaults.ts.)
 *
 * Identifiers are minified too (keeping them cost another 6 MiB idle). A
 * stack trace in a log line then points into the bundle: the source map is
 * written next to it (`run.js.map`, not loaded at run time) to read such a
 * trace, or run with `--enable-source-maps` while debugging.
 */
import { build, type BuildOptions } from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinRequires } from './bundle-builtin-requires.js';
import { lazyKafkaValidators, lazyWasmUtils } from './bundle-kafka-client.js';
import { leanKafkaMessages } from './bundle-kafka-messages.js';
import { onePassKafkaRecords } from './bundle-kafka-records.js';

/** The repository root (this file is services/lib/bundle.ts). */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Packages left out of the bundle and loaded from `node_modules` at run
 * time: they read files next to their own code (`@platformatic/wasm-utils`
 * loads its `.wasm`, on first use: `lazyWasmUtils`) or are native addons
 * (`@node-rs/*`, optional).
 */
export const BUNDLE_EXTERNALS: readonly string[] = ['@platformatic/wasm-utils', '@node-rs/*'];

/** esbuild options of the service bundle, for `entry` written to `outfile`. */
export function bundleOptions(outfile: string, entry = join(ROOT, 'services', 'run.ts')): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    sourcemap: 'linked',
    external: [...BUNDLE_EXTERNALS],
    plugins: [builtinRequires, lazyKafkaValidators, lazyWasmUtils, leanKafkaMessages, onePassKafkaRecords],
    // Bundled CommonJS packages (pg, prom-client, ws) call `require`, which an ES module lacks.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'warning',
  };
}

/** Bundles `entry` (default: the services' `run.ts`) into `outfile`. */
export async function bundleServices(outfile: string, entry?: string): Promise<void> {
  await build(bundleOptions(outfile, entry));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outfile = process.argv[2];
  if (!outfile) {
    process.stderr.write('usage: npx tsx services/lib/bundle.ts <outfile.js>\n');
    process.exit(2);
  }
  await bundleServices(resolve(outfile));
}
