/**
 * Hostile input against a real websocket service running in this process, in
 * Dapr mode as the platform deploys it (deliveries on its HTTP port, clients
 * on /ws of the same port): request targets that are no URL, broken headers
 * and bodies, handshakes that are wrong in every way, bad frames after a good
 * handshake, and then a fuzz of a few thousand malformed requests written
 * straight to TCP. Throughout, the process stays up (an exception in a
 * listener would end this test run) and a connected client keeps receiving
 * every update, in order.
 */
import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import type { TaskUpdateEvent } from '../../../services/lib/events.js';
import { createLogger } from '../../../services/lib/logger.js';
import { runService, type RunningService } from '../../../services/lib/service.js';
import { WEBSOCKET_METRICS } from '../../../services/websocket/metrics.js';
import { websocketService } from '../../../services/websocket/service.js';
import { signToken } from '../../../services/websocket/token.js';
import { TestClient } from './ws-client.js';

const SECRET = `hostile-input-test-secret-${'s'.repeat(16)}`;
const APP_TOKEN = `hostile-input-app-token-${'a'.repeat(16)}`;
const PER_USER = 3;
const TOTAL = 40;
/** Requests of the fuzz; FUZZ_REQUESTS overrides (e.g. 20000 for a longer run). */
const FUZZ_REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 3000);
const quiet = createLogger({ stream: { write: () => true } });

/** A small seeded PRNG (mulberry32), so a failing fuzz run can be repeated with FUZZ_SEED. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface RawAnswer {
  /** Everything the server wrote before closing (or until the wait ended). */
  readonly text: string;
  /** The status of the first response line, or 0 when there was none. */
  readonly status: number;
}

/**
 * Writes `chunks` to a fresh TCP connection, one after the other, and
 * collects what comes back until the server closes or `waitMs` passes.
 */
function raw(port: number, chunks: ReadonlyArray<string | Buffer>, waitMs = 300): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(received).toString('latin1');
      resolve({ text, status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0) });
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (data) => received.push(data));
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('connect', () => {
      for (const chunk of chunks) if (!socket.destroyed) socket.write(chunk);
    });
  });
}

/** Opens a WebSocket by hand (so frames can be written raw) and resolves with the socket once 101 arrived. */
function handshake(port: number, token: string): Promise<{ socket: Socket; received: Buffer[] }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('error', () => undefined);
    socket.once('connect', () =>
      socket.write(
        `GET /ws?token=${token} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
    );
    socket.on('data', (data) => {
      received.push(data);
      const text = Buffer.concat(received).toString('latin1');
      if (text.startsWith('HTTP/1.1 101')) resolve({ socket, received });
      else if (/^HTTP\/1\.1 \d{3}/.test(text)) reject(new Error(`handshake refused: ${text.split('\r\n')[0]}`));
    });
  });
}

/** A masked client frame (RFC 6455 §5.2) with the given first byte and payload. */
function frame(firstByte: number, payload: Buffer, options: { mask?: boolean; length?: number } = {}): Buffer {
  const mask = options.mask ?? true;
  const length = options.length ?? payload.length;
  const header: number[] = [firstByte];
  if (length < 126) header.push((mask ? 0x80 : 0) | length);
  else if (length < 65536) header.push((mask ? 0x80 : 0) | 126, length >> 8, length & 0xff);
  else {
    header.push((mask ? 0x80 : 0) | 127, 0, 0, 0, 0);
    header.push((length >>> 24) & 0xff, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff);
  }
  const key = Buffer.from([1, 2, 3, 4]);
  const body = mask ? Buffer.from(payload.map((b, i) => b ^ key[i % 4]!)) : payload;
  return Buffer.concat([Buffer.from(header), mask ? key : Buffer.alloc(0), body]);
}

/** Resolves with the close code the server sent on a raw WebSocket, or 0 when it just hung up. */
function serverClose(socket: Socket, received: Buffer[], timeoutMs = 3000): Promise<number> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(-1), timeoutMs);
    const check = () => {
      const all = Buffer.concat(received);
      const end = all.indexOf('\r\n\r\n');
      const frames = end === -1 ? Buffer.alloc(0) : all.subarray(end + 4);
      for (let i = 0; i + 1 < frames.length;) {
        const opcode = frames[i]! & 0x0f;
        const length = frames[i + 1]! & 0x7f;
        if (opcode === 0x8 && i + 4 <= frames.length) {
          clearTimeout(timer);
          return resolve(frames.readUInt16BE(i + 2));
        }
        i += 2 + (length < 126 ? length : length === 126 ? 2 + frames.readUInt16BE(i + 2) : 8);
      }
    };
    socket.on('data', check);
    socket.on('close', () => {
      check();
      clearTimeout(timer);
      resolve(0);
    });
    check();
  });
}

describe('websocket service under hostile input', () => {
  let service: RunningService;
  let base: string;
  const watcherUser = `watcher-${randomUUID()}`;
  let watcher: TestClient;
  let published = 0;
  let feeding: Promise<void> | undefined;
  let stopFeeding = false;

  const token = (sub: string, ttlSeconds = 600) => signToken({ sub, exp: Math.floor(Date.now() / 1000) + ttlSeconds }, SECRET);
  const update = (userId: string, id: number): TaskUpdateEvent => ({
    event_id: randomUUID(),
    timestamp: new Date().toISOString(),
    user_id: userId,
    update_type: 'updated',
    task: { id, title: `task ${id}`, completed: false, priority: 'high' },
  });
  const deliver = (event: TaskUpdateEvent) =>
    fetch(`${base}/events/task-updates`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json', 'dapr-api-token': APP_TOKEN },
      body: JSON.stringify({ specversion: '1.0', id: randomUUID(), source: 'todo-api', type: 'com.dapr.event.sent', data: event }),
    });
  const metric = async (name: string, label = '') => {
    const line = (await service.metrics.render()).split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(label));
    return line ? Number(line.split(' ').pop()) : 0;
  };
  /** Every update published so far reached the watcher, in order. */
  const watcherCaughtUp = async () => {
    await watcher.waitForMessages(published, 20_000);
    expect(watcher.messages.map((m) => (m as TaskUpdateEvent).task.id)).toEqual(Array.from({ length: published }, (_, i) => i + 1));
    expect(watcher.closed).toBeUndefined();
  };

  beforeAll(async () => {
    service = await runService(websocketService, {
      env: {
        KAFKA_MODE: 'dapr',
        PORT: '0',
        WEBSOCKET_TOKEN_SECRET: SECRET,
        APP_API_TOKEN: APP_TOKEN,
        WEBSOCKET_MAX_CONNECTIONS_PER_USER: String(PER_USER),
        WEBSOCKET_MAX_CONNECTIONS: String(TOTAL),
        HTTP_MAX_BODY_BYTES: String(64 * 1024),
      },
      logger: quiet,
    });
    base = `http://127.0.0.1:${service.port}`;
    watcher = await TestClient.connect(`ws://127.0.0.1:${service.port}/ws?token=${token(watcherUser)}`);
    // Updates keep flowing to the watcher while everything below happens.
    feeding = (async () => {
      while (!stopFeeding) {
        const answer = await deliver(update(watcherUser, published + 1));
        expect(await answer.json()).toEqual({ status: 'SUCCESS' });
        published++;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
  });

  afterAll(async () => {
    stopFeeding = true;
    await feeding;
    watcher?.close();
    await service?.close();
  });

  describe('specific cases', () => {
    test('GET // with an Upgrade header (new URL() throws on it) is answered 404 and the process stays up', async () => {
      const answer = await raw(service.port, [
        'GET // HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      ]);
      expect(answer.status).toBe(404);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    });

    test.each([
      ['//ws', 404],
      ['//', 404],
      ['http://[::1/ws', 404],
      ['/ws?token=%E0%A4%A', 401],
      ['/ws?token=%', 401],
      ['/ws?token=a.b', 401],
      ['/ws?%zz=1&token=', 401],
      ['/ws?token=xxx… (6,000 characters)', 401],
      ['/%00', 404],
      ['*', 404],
    ])('an upgrade to %s is answered %i', async (shownTarget, status) => {
      const target = shownTarget.endsWith('(6,000 characters)') ? `/ws?token=${'x'.repeat(6000)}` : shownTarget;
      const answer = await raw(service.port, [
        `GET ${target} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      ]);
      expect(answer.status).toBe(status);
    });

    test('a handshake with a valid token but wrong method, Upgrade, key or version is refused by ws, with nothing registered', async () => {
      const valid = token(`shaky-${randomUUID()}`);
      const cases: Array<[string, number]> = [
        [
          `POST /ws?token=${valid} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n`,
          405,
        ],
        [
          `GET /ws?token=${valid} HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
          400,
        ],
        [
          `GET /ws?token=${valid} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n`,
          400,
        ],
        [
          `GET /ws?token=${valid} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n`,
          400,
        ],
        [
          `GET /ws?token=${valid} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 99\r\n\r\n`,
          400,
        ],
        [
          `GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nAuthorization: Bearer\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
          401,
        ],
        [
          `GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nAuthorization: Basic Zm9vOmJhcg==\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
          401,
        ],
      ];
      for (const [request, status] of cases)
        expect([request.split(' ')[0], (await raw(service.port, [request])).status]).toEqual([request.split(' ')[0], status]);
    });

    test('broken HTTP is answered 400 or 431 by the shared server, and routes never see it', async () => {
      expect((await raw(service.port, ['GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello'])).status).toBe(
        400,
      );
      expect((await raw(service.port, ['G\x00T / HTTP/1.1\r\n\r\n'])).status).toBe(400);
      expect((await raw(service.port, [`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`])).status).toBe(431);
      expect(
        (
          await raw(service.port, [
            `POST /events/task-updates HTTP/1.1\r\nHost: x\r\ndapr-api-token: ${APP_TOKEN}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nnot hex\r\n`,
          ])
        ).status,
      ).toBe(400);
      expect((await raw(service.port, ['GET // HTTP/1.1\r\nHost: x\r\n\r\n'])).status).toBe(404);
      expect((await raw(service.port, ['GET /healthz?%zz HTTP/1.1\r\nHost: x\r\n\r\n'])).status).toBe(200);
    });

    test('hostile delivery bodies are refused without the token and dropped with it: deep nesting, not JSON, too large, cut short', async () => {
      const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
        fetch(`${base}/events/task-updates`, { method: 'POST', headers: { 'dapr-api-token': APP_TOKEN, ...headers }, body });
      const deep = `{"specversion":"1.0","data":${'['.repeat(30_000)}${']'.repeat(30_000)}}`;
      expect(await (await post(deep)).json()).toEqual({ status: 'DROP' });
      expect(await (await post(Buffer.from([0xff, 0xfe, 0x00]))).json()).toEqual({ status: 'DROP' });
      expect(await (await post('{"specversion":"1.0","data":{"__proto__":{"polluted":true},"user_id":"x"}}')).json()).toEqual({
        status: 'DROP',
      });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(await (await post('x'.repeat(100 * 1024))).json()).toEqual({ status: 'DROP' });
      expect((await post('{}', { 'dapr-api-token': 'forged' })).status).toBe(401);
      // A body announced longer than sent, then the client goes away: nothing is left waiting.
      await raw(
        service.port,
        [`POST /events/task-updates HTTP/1.1\r\nHost: x\r\ndapr-api-token: ${APP_TOKEN}\r\nContent-Length: 1000\r\n\r\n{"spec`],
        100,
      );
      expect(await (await post(JSON.stringify({ specversion: '1.0', data: update('nobody', 1) }))).json()).toEqual({ status: 'SUCCESS' });
    });

    test('bad frames after a valid handshake end only that connection, with the close code of the fault', async () => {
      const cases: Array<[string, Buffer, number[]]> = [
        ['reserved opcode', frame(0x83, Buffer.from('x')), [1002]],
        ['unmasked client frame', frame(0x81, Buffer.from('hello'), { mask: false }), [1002]],
        ['payload over maxPayload', frame(0x82, Buffer.alloc(8192)), [1009]],
        ['announced 2^32 bytes', frame(0x82, Buffer.alloc(0), { length: 2 ** 32 - 1 }), [1009]],
        ['invalid UTF-8 text', frame(0x81, Buffer.from([0xc3, 0x28])), [1007]],
        ['fragmented ping', frame(0x09, Buffer.from('p')), [1002]],
        ['close with code 999', frame(0x88, Buffer.from([0x03, 0xe7])), [1002]],
        ['RSV1 without an extension', frame(0xc1, Buffer.from('x')), [1002]],
        ['continuation without a start', frame(0x80, Buffer.from('x')), [1002]],
      ];
      for (const [what, bytes, codes] of cases) {
        const { socket, received } = await handshake(service.port, token(`frames-${randomUUID()}`));
        const closed = serverClose(socket, received);
        socket.write(bytes);
        expect([what, codes.includes(await closed)]).toEqual([what, true]);
        socket.destroy();
      }
      await watcherCaughtUp();
    });

    test('connections beyond the per-user cap get 429 and beyond the replica cap 503, both with Retry-After', async () => {
      const user = `greedy-${randomUUID()}`;
      const mine = await Promise.all(
        Array.from({ length: PER_USER }, () => TestClient.connect(`ws://127.0.0.1:${service.port}/ws?token=${token(user)}`)),
      );
      const refusal = await TestClient.refusal(`ws://127.0.0.1:${service.port}/ws?token=${token(user)}`);
      expect([refusal.status, refusal.headers['retry-after']]).toEqual([429, '30']);
      for (const client of mine) client.close();

      const others: TestClient[] = [];
      while ((await metric(WEBSOCKET_METRICS.connections)) < TOTAL) {
        others.push(await TestClient.connect(`ws://127.0.0.1:${service.port}/ws?token=${token(`crowd-${others.length}`)}`));
      }
      const full = await TestClient.refusal(`ws://127.0.0.1:${service.port}/ws?token=${token('one-too-many')}`);
      expect([full.status, full.headers['retry-after']]).toEqual([503, '5']);
      expect(await metric(WEBSOCKET_METRICS.rejected, 'reason="user_limit"')).toBe(1);
      expect(await metric(WEBSOCKET_METRICS.rejected, 'reason="full"')).toBe(1);
      for (const client of others) client.close();
      await watcherCaughtUp();
    });
  });

  test(`a fuzz of ${FUZZ_REQUESTS} malformed requests leaves the process up and the watcher receiving every update in order`, async () => {
    const seed = Number(process.env.FUZZ_SEED ?? 20_260_101);
    const random = prng(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
    const validToken = () => token(`fuzz-${Math.floor(random() * 8)}`);
    const targets = () => [
      '/',
      '//',
      '/ws',
      `/ws?token=${validToken()}`,
      `/ws?token=${validToken().slice(0, -3)}abc`,
      '/ws?token=%',
      '/events/task-updates',
      '/events/',
      '/healthz',
      '/readyz',
      '/metrics',
      '/dapr/subscribe',
      '*',
      'http://x/ws',
      '//ws?token=',
      '/%zz',
      '/\u00ff\u0000',
      `/${'a'.repeat(Math.floor(random() * 9000))}`,
      bytes(12).toString('latin1'),
    ];
    const headerPool = () => [
      'Host: x',
      'Upgrade: websocket',
      'Upgrade: WebSocket, h2c',
      'Connection: Upgrade',
      'Connection: keep-alive, Upgrade',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      `Sec-WebSocket-Key: ${bytes(8).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      `Sec-WebSocket-Version: ${Math.floor(random() * 100)}`,
      'Sec-WebSocket-Protocol: a,,b, c d',
      'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=99',
      `Authorization: Bearer ${validToken()}`,
      `Authorization: Bearer ${bytes(30).toString('base64')}`,
      'Authorization: Bearer',
      `dapr-api-token: ${APP_TOKEN}`,
      `dapr-api-token: ${bytes(10).toString('hex')}`,
      `Content-Length: ${Math.floor(random() * 200)}`,
      'Content-Length: -1',
      'Content-Length: 99999999999999999999',
      'Transfer-Encoding: chunked',
      'Transfer-Encoding: gzip, chunked',
      'Content-Type: application/cloudevents+json',
      `X-Junk: ${bytes(40).toString('latin1')}`,
      `X-Long: ${'l'.repeat(Math.floor(random() * 20_000))}`,
      ': no name',
      'No-Colon',
    ];
    const bodies = () => [
      '',
      '{',
      '{}',
      'null',
      '[]',
      JSON.stringify({ specversion: '1.0', data: { user_id: 42 } }),
      JSON.stringify({ specversion: '1.0', data_base64: '!!!' }),
      JSON.stringify({ specversion: '1.0', data: update(`fuzz-${Math.floor(random() * 8)}`, 1) }),
      `{"specversion":"1.0","data":${'['.repeat(2000)}`,
      '5\r\nhello\r\n0\r\n\r\n',
      'zz\r\nbad chunk\r\n',
      bytes(Math.floor(random() * 3000)).toString('latin1'),
    ];
    const request = (): Array<string | Buffer> => {
      const kind = random();
      if (kind < 0.1) return [bytes(1 + Math.floor(random() * 2000))];
      const method = pick([
        'GET',
        'GET',
        'GET',
        'POST',
        'POST',
        'PUT',
        'DELETE',
        'OPTIONS',
        'HEAD',
        'CONNECT',
        'PATCH',
        'G\u0000T',
        bytes(4).toString('latin1'),
      ]);
      const version = pick(['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', '', 'HTTP/1.1 extra']);
      const eol = random() < 0.9 ? '\r\n' : pick(['\n', '\r', '\r\r\n']);
      const pool = headerPool();
      const headers = Array.from({ length: Math.floor(random() * 8) }, () => pick(pool));
      const head = `${method} ${pick(targets())} ${version}${eol}${headers.join(eol)}${eol}${eol}`;
      const body = random() < 0.5 ? pick(bodies()) : '';
      // Sometimes split mid-head, so the parser sees partial lines.
      if (random() < 0.2) {
        const cut = Math.floor(random() * head.length);
        return [head.slice(0, cut), head.slice(cut) + body];
      }
      return [head + body];
    };
    const badFrames = (): Buffer =>
      pick([
        () => bytes(1 + Math.floor(random() * 200)),
        () => frame(0x80 | Math.floor(random() * 16), bytes(Math.floor(random() * 50)), { mask: random() < 0.8 }),
        () => frame(0x81, bytes(Math.floor(random() * 100))),
        () => frame(0x82, Buffer.alloc(0), { length: Math.floor(random() * 2 ** 31) }),
        () => frame(0x88, bytes(Math.floor(random() * 10))),
        () => frame(0x09, bytes(200)),
      ])();

    const watcherBefore = published;
    let upgraded = 0;
    const one = async (): Promise<void> => {
      if (random() < 0.15) {
        const user = `fuzz-frames-${Math.floor(random() * 4)}`;
        const opened = await handshake(service.port, token(user)).catch(() => undefined);
        if (!opened) return;
        upgraded++;
        for (let i = 0; i < 1 + Math.floor(random() * 3); i++) opened.socket.write(badFrames());
        await new Promise((resolve) => setTimeout(resolve, 20 + random() * 80));
        opened.socket.destroy();
        return;
      }
      await raw(service.port, request(), 50 + Math.floor(random() * 150));
    };
    const CONCURRENCY = 48;
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < FUZZ_REQUESTS) {
          next++;
          await one();
        }
      }),
    );

    // Still serving: health, deliveries, new clients; and the watcher got everything, including what was sent during the fuzz.
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(published).toBeGreaterThan(watcherBefore);
    expect(upgraded).toBeGreaterThan(0);
    const late = await TestClient.connect(`ws://127.0.0.1:${service.port}/ws?token=${token(`late-${randomUUID()}`)}`);
    late.close();
    await watcherCaughtUp();
    // Every fuzz connection is gone again; only the watcher remains.
    for (const deadline = Date.now() + 10_000; (await metric(WEBSOCKET_METRICS.connections)) !== 1;) {
      if (Date.now() > deadline) throw new Error(`connections still open: ${await metric(WEBSOCKET_METRICS.connections)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }, 180_000);
});
