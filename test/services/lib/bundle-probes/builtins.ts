/**
 * Bundled by bundle.test.ts: imports Node modules the way the services do
 * and prints which of Node's lazily loaded modules are loaded by then.
 */
import { createServer } from 'node:http';
import { inspect } from 'node:util';

/** Node's own list of the modules it has loaded (not in @types/node). */
const { moduleLoadList } = process as unknown as { moduleLoadList: readonly string[] };
const lazy = moduleLoadList.filter((entry) => /undici|http2|worker_threads/.test(entry));
process.stdout.write(`${JSON.stringify({ lazy, createServer: typeof createServer, inspect: inspect({ a: 1 }) })}\n`);
