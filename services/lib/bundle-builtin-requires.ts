/**
 * An esbuild plugin of the service bundle: Node's own modules are loaded with
 * `require` rather than ES `import`.
 *
 * An ES import of a Node module builds its ES facade, and Node 22 builds it
 * by reading every export of the module (`BuiltinModule.syncExports` in
 * `lib/internal/bootstrap/realm.js`), lazy getters included. So
 * `import { createServer } from 'node:http'` reads `http.WebSocket`, which
 * loads undici (Node's whole `fetch`) and `http2` with it; `node:util` loads
 * `worker_threads`, `node:crypto` WebCrypto, `node:fs` its promises API and
 * readline. Measured with Node 22.23 and the image's NODE_OPTIONS, a module
 * holding nothing but that one import of `node:http`: 56.8 MiB resident
 * against 46.2 MiB when it gets `node:http` from `createRequire` (a bare
 * `node` is 43.3). `require` of a Node module builds no facade.
 *
 * Each import of a Node module (`node:x`, or a bare `x` that is one) resolves
 * to a small ES module of the bundle that gets the module with `require`
 * (the one the bundle's banner defines) and exports each of its exports as
 * a constant read through a call marked pure: esbuild drops the ones nothing
 * imports, so only the exports used are read. (A CommonJS stand-in,
 * `module.exports = require('node:x')`, would not do: esbuild's `__toESM`
 * copies every property descriptor of it, and Node defines some exports as
 * lazy data properties that a descriptor read loads, `node:util`'s
 * `worker_threads` among them: 2.5 MiB.) The bundled CommonJS packages'
 * own `require`s of Node modules stay as they are.
 */
import { builtinModules, createRequire } from 'node:module';
import type { Plugin } from 'esbuild';

/** Namespace of the generated modules. */
const NAMESPACE = 'node-builtin-require';

/** Node's modules by both names an import may use (`http`, `node:http`). */
const BUILTINS = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);

/** Whether `path` names one of Node's own modules. */
export function isNodeBuiltin(path: string): boolean {
  return BUILTINS.has(path);
}

/**
 * The source of the module that stands for Node module `path` (e.g.
 * `node:http`): its default export is the module, and each of `exportNames`
 * (by default the module's own, as this build's Node has them) a constant.
 */
export function builtinRequireModule(path: string, exportNames: readonly string[] = builtinExportNames(path)): string {
  const name = path.startsWith('node:') ? path : `node:${path}`;
  const lines = [`const builtin = require(${JSON.stringify(name)});`, 'const read = (key) => builtin[key];', 'export default builtin;'];
  exportNames
    .filter((key) => key !== 'default')
    .forEach((key, i) =>
      lines.push(`const e${i} = /* @__PURE__ */ read(${JSON.stringify(key)});`, `export { e${i} as ${JSON.stringify(key)} };`),
    );
  return `${lines.join('\n')}\n`;
}

/** The export names of Node module `path`, read by the build (never by the bundle). */
function builtinExportNames(path: string): string[] {
  return Object.keys(createRequire(import.meta.url)(path) as object);
}

/** The plugin: ES imports of Node modules resolve to `builtinRequireModule`s. */
export const builtinRequires: Plugin = {
  name: 'builtin-requires',
  setup(build) {
    build.onResolve({ filter: /^(node:)?[a-z][a-z0-9_/]*$/ }, (args) => {
      if (args.kind !== 'import-statement' && args.kind !== 'dynamic-import') return undefined;
      if (args.namespace === NAMESPACE || !isNodeBuiltin(args.path)) return undefined;
      return { path: args.path, namespace: NAMESPACE };
    });
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({ contents: builtinRequireModule(args.path), loader: 'js' }));
  },
};
