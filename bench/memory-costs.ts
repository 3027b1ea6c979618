/**
 * What one WebSocket connection, one buffered update and one Dapr delivery
 * cost the service in memory: the figures behind the default caps
 * (`WEBSOCKET_DEFAULTS` in services/websocket/settings.ts, `HTTP_LIMIT_DEFAULTS`
 * in services/lib/config.ts).
 *
 *   node --expose-gc --import tsx bench/memory-costs.ts [connections]
 *
 * The server side runs here, with the service's own modules; the clients run
 * in a child process, so their memory is not counted. Each figure is the
 * difference of `process.memoryUsage()` after two full GCs, with the thing
 * measured held open, divided by how many there were: V8 heap
 * (`heapUsed`), memory outside it (`external`, which holds Buffers and socket
 * write queues) and the process's resident set (`rss`).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';
import { mountDaprSubscriber } from '../services/lib/dapr-subscriber.js';
import type { AnyEvent } from '../services/lib/events.js';
import { ServiceHttpServer } from '../services/lib/http-server.js';
import { createLogger } from '../services/lib/logger.js';
import { ServiceMetrics } from '../services/lib/metrics.js';
import { ClientHub } from '../services/websocket/client-hub.js';
import { signToken } from '../services/websocket/token.js';
import { attachWebSocketEndpoint } from '../services/websocket/upgrade.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('run with node --expose-gc --import tsx bench/memory-costs.ts');
  process.exit(2);
}

interface Usage {
  heap: number;
  external: number;
  rss: number;
}

async function usage(): Promise<Usage> {
  for (let i = 0; i < 3; i++) {
    gc!();
    await new Promise((r) => setImmediate(r));
  }
  const m = process.memoryUsage();
  return { heap: m.heapUsed, external: m.external, rss: m.rss };
}

function per(before: Usage, after: Usage, count: number): Usage {
  return {
    heap: (after.heap - before.heap) / count,
    external: (after.external - before.external) / count,
    rss: (after.rss - before.rss) / count,
  };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const show = (u: Usage) => `heap ${kib(u.heap)}, external ${kib(u.external)}, rss ${kib(u.rss)}`;

/** The clients: a child process speaking a line protocol on stdin/stdout. */
const CLIENT = `
import { WebSocket } from ${JSON.stringify(resolve('node_modules/ws/wrapper.mjs'))};
import { createInterface } from 'node:readline';
const sockets = [];
const say = (line) => process.stdout.write(line + '\\n');
createInterface({ input: process.stdin }).on('line', async (line) => {
  const [command, ...args] = line.split(' ');
  if (command === 'open') {
    const [url, ...tokens] = args;
    await Promise.all(tokens.map((token) => new Promise((resolve, reject) => {
      const ws = new WebSocket(url + '?token=' + token);
      ws.on('open', () => { sockets.push(ws); resolve(); });
      ws.on('error', reject);
    })));
    say('opened ' + sockets.length);
  } else if (command === 'pause') {
    for (const ws of sockets) ws._socket.pause();
    say('paused');
  } else if (command === 'post') {
    const [url, count, bytes, token] = args;
    const body = JSON.stringify({ specversion: '1.0', id: '1', source: 'bench', type: 't', data: JSON.parse(Buffer.from(args[4], 'base64').toString()) });
    const { request } = await import('node:http');
    for (let i = 0; i < Number(count); i++) {
      const req = request(url, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json', 'dapr-api-token': token } });
      req.on('error', () => {});
      req.end(body);
    }
    say('posted');
  } else if (command === 'exit') process.exit(0);
});
say('ready');
`;

function startClients(): { send: (line: string) => void; next: () => Promise<string>; done: () => void } {
  const file = join(tmpdir(), `memory-costs-client-${process.pid}.mjs`);
  writeFileSync(file, CLIENT);
  const child = spawn(process.execPath, ['--max-old-space-size=4096', file], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiters: Array<(line: string) => void> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const waiter = waiters.shift();
    if (waiter) waiter(line);
    else lines.push(line);
  });
  return {
    send: (line) => child.stdin!.write(`${line}\n`),
    next: () => (lines.length > 0 ? Promise.resolve(lines.shift()!) : new Promise((r) => waiters.push(r))),
    done: () => child.kill(),
  };
}

/** A task update shaped like the specification's, about 300 bytes of JSON. */
function update(userId: string, title = 'Buy groceries'): AnyEvent {
  return {
    event_id: randomUUID(),
    timestamp: new Date().toISOString(),
    user_id: userId,
    update_type: 'updated',
    task: { id: 42, title, completed: false, priority: 'high', tags: ['home'], due_date: '2024-01-20T18:00:00Z' },
  } as AnyEvent;
}

async function websocketCosts(connections: number): Promise<void> {
  const secret = 'memory-costs-secret-with-enough-bytes-0123456789';
  const quiet = createLogger({ stream: { write: () => true } });
  const hub = new ClientHub({ maxBufferedBytes: 1 << 30, maxTotalBufferedBytes: 1 << 30, slowCloseGraceMs: 5000 });
  const server = createServer((_q, r) => r.writeHead(404).end());
  const wss = attachWebSocketEndpoint(server, { secret, hub, log: quiet, accepting: () => true });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
  const clients = startClients();
  await clients.next();
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const users = Array.from({ length: connections }, (_, i) => `user-${i}`);

  const before = await usage();
  for (let i = 0; i < connections; i += 200) {
    clients.send(
      `open ${url} ${users
        .slice(i, i + 200)
        .map((sub) => signToken({ sub, exp }, secret))
        .join(' ')}`,
    );
    await clients.next();
  }
  while (hub.size < connections) await new Promise((r) => setTimeout(r, 10));
  const connected = await usage();
  const connection = per(before, connected, connections);
  console.log(`one open connection: ${show(connection)} (${connections} connections)`);

  // Buffered updates: the clients stop reading; once the kernel's buffers are full, updates queue in the process.
  clients.send('pause');
  await clients.next();
  const slow = users.slice(0, 20);
  const message = JSON.stringify(update('x'));
  const frameBytes = Buffer.byteLength(message) + 2;
  // Fill the kernel's buffers of each paused socket (a few MiB on loopback) until 2 MiB per socket wait in the process.
  for (let round = 0; round < 200_000 && hub.bufferedBytes < slow.length * 2 * 1024 * 1024; round++) {
    for (const user of slow) hub.deliver(user, message);
    if (round % 100 === 0) await new Promise((r) => setTimeout(r, 1));
  }
  // Let the kernel take what it will, then count what stayed in the process.
  await new Promise((r) => setTimeout(r, 500));
  const queued = hub.bufferedBytes / frameBytes;
  const buffered = await usage();
  const perUpdate = per(connected, buffered, queued);
  console.log(
    `one buffered update of ${Buffer.byteLength(message)} bytes: ${show(perUpdate)} (${Math.round(queued)} updates held in the process, ${kib(hub.bufferedBytes)} queued)`,
  );
  clients.send('exit');
  clients.done();
  hub.closeAll(0);
  wss.close();
  server.closeAllConnections();
  server.close();
}

async function deliveryCosts(): Promise<void> {
  const quiet = createLogger({ stream: { write: () => true } });
  const metrics = new ServiceMetrics('bench', { defaultMetrics: false });
  const http = new ServiceHttpServer(quiet, metrics, { maxBodyBytes: 8 * 1024 * 1024 });
  let release: () => void = () => undefined;
  let gate = new Promise<void>((r) => (release = r));
  let inHandler = 0;
  const token = 'memory-costs-app-token';
  mountDaprSubscriber(http, {
    topics: ['task-updates'],
    handler: {
      handle: async () => {
        inHandler++;
        await gate;
        inHandler--;
      },
    },
    metrics,
    log: quiet,
    signal: new AbortController().signal,
    appApiToken: token,
    maxConcurrentDeliveries: 1000,
  });
  const port = await http.listen(0, '127.0.0.1');
  const clients = startClients();
  await clients.next();
  for (const [label, event, count] of [
    ['a 1 MiB task update (Dapr maxMessageBytes)', update('u', 't'.repeat(1024 * 1024 - 400)), 8],
    ['a typical task update', update('u'), 200],
  ] as const) {
    const bytes = Buffer.byteLength(JSON.stringify(event));
    const before = await usage();
    clients.send(
      `post http://127.0.0.1:${port}/events/task-updates ${count} ${bytes} ${token} ${Buffer.from(JSON.stringify(event)).toString('base64')}`,
    );
    await clients.next();
    while (inHandler < count) await new Promise((r) => setTimeout(r, 10));
    const held = await usage();
    console.log(
      `one delivery of ${label}, ${kib(bytes)} of event, held while handled: ${show(per(before, held, count))} (${count} at once)`,
    );
    release();
    while (inHandler > 0) await new Promise((r) => setTimeout(r, 10));
    gate = new Promise<void>((r) => (release = r));
  }
  // The transient peak of one 1 MiB delivery: every intermediate of cloudEventData and parseEvent alive at once.
  const body = Buffer.from(JSON.stringify({ specversion: '1.0', data: update('u', 't'.repeat(1024 * 1024 - 400)) }));
  const before = await usage();
  const text = body.toString('utf8');
  const envelope = JSON.parse(text) as { data: unknown };
  const data = JSON.stringify(envelope.data);
  const parsed = JSON.parse(data) as unknown;
  const peak = await usage();
  console.log(
    `transient peak of parsing one 1 MiB delivery (body string, CloudEvent, event JSON, event): ${show(per(before, peak, 1))}` +
      ` (kept: ${[text, envelope, data, parsed].length} objects)`,
  );
  clients.send('exit');
  clients.done();
  await http.close();
}

const connections = Number(process.argv[2] ?? 1000);
console.log(`node ${process.version}, ${connections} connections`);
await websocketCosts(connections);
await deliveryCosts();
process.exit(0);
