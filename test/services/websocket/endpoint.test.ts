import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebSocketServer } from 'ws';
import { createLogger } from '../../../services/lib/logger.js';
import { ClientHub, type DisconnectReason } from '../../../services/websocket/client-hub.js';
import { signToken } from '../../../services/websocket/token.js';
import { attachWebSocketEndpoint } from '../../../services/websocket/upgrade.js';
import { TestClient } from './ws-client.js';

const SECRET = 'endpoint-test-secret-with-enough-bytes-0123456789';
const silent = createLogger({ stream: { write: () => true } });

describe('the WebSocket endpoint and client hub', () => {
  let server: Server;
  let wss: WebSocketServer;
  let hub: ClientHub;
  let base: string;
  let now: number;
  let accepting: boolean;
  const disconnects: DisconnectReason[] = [];
  const rejected: string[] = [];
  const clients: TestClient[] = [];

  const token = (sub: string, ttlSeconds = 3600) => signToken({ sub, exp: Math.floor(now / 1000) + ttlSeconds }, SECRET);
  async function connect(sub: string, options = {}): Promise<TestClient> {
    const client = await TestClient.connect(`${base}/ws?token=${token(sub)}`, options);
    clients.push(client);
    await waitFor(() => hub.clientsOf(sub) > 0, `${sub} registered`);
    return client;
  }
  async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  beforeEach(async () => {
    now = Date.now();
    accepting = true;
    disconnects.length = 0;
    rejected.length = 0;
    hub = new ClientHub(
      { maxBufferedBytes: 64 * 1024, slowCloseGraceMs: 5000 },
      { disconnected: (_user, reason) => disconnects.push(reason) },
      () => now,
    );
    server = createServer((_request, response) => response.writeHead(404).end());
    wss = attachWebSocketEndpoint(server, {
      secret: SECRET,
      hub,
      log: silent,
      accepting: () => accepting,
      rejected: (r) => rejected.push(r),
      clock: () => now,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    hub.closeAll(0);
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test("each user's clients receive only that user's updates, in order", async () => {
    const alice1 = await connect('alice');
    const alice2 = await connect('alice');
    const bob = await connect('bob');
    for (let i = 0; i < 50; i++)
      hub.deliver(i % 2 === 0 ? 'alice' : 'bob', JSON.stringify({ user: i % 2 === 0 ? 'alice' : 'bob', seq: i }));
    expect(hub.deliver('carol', '{}')).toBe(0);
    await Promise.all([alice1.waitForMessages(25), alice2.waitForMessages(25), bob.waitForMessages(25)]);
    const expected = (user: string, parity: number) => Array.from({ length: 25 }, (_, k) => ({ user, seq: 2 * k + parity }));
    expect(alice1.messages).toEqual(expected('alice', 0));
    expect(alice2.messages).toEqual(expected('alice', 0));
    expect(bob.messages).toEqual(expected('bob', 1));
  });

  test('a token in the Authorization header is accepted too', async () => {
    const client = await TestClient.connect(`${base}/ws`, { headers: { authorization: `Bearer ${token('dave')}` } });
    clients.push(client);
    await waitFor(() => hub.clientsOf('dave') === 1, 'dave registered');
  });

  test('missing, forged and expired tokens are refused with 401 and the reason', async () => {
    expect(await TestClient.refusal(`${base}/ws`)).toMatchObject({
      status: 401,
      body: 'no token: send it as ?token=<token> or "Authorization: Bearer <token>"\n',
      headers: { 'www-authenticate': 'Bearer' },
    });
    const forged = signToken({ sub: 'alice', exp: Math.floor(now / 1000) + 60 }, 'some-other-secret-some-other-secret-123');
    expect(await TestClient.refusal(`${base}/ws?token=${forged}`)).toMatchObject({ status: 401, body: 'token signature does not match\n' });
    const expired = signToken({ sub: 'alice', exp: Math.floor(now / 1000) - 1 }, SECRET);
    expect((await TestClient.refusal(`${base}/ws?token=${expired}`)).body).toMatch(/^token expired at /);
    expect(rejected).toEqual(['missing', 'bad_signature', 'expired']);
    expect(hub.size).toBe(0);
  });

  test('other paths get 404 and a shutting-down server 503', async () => {
    expect(await TestClient.refusal(`${base}/socket?token=${token('alice')}`)).toMatchObject({
      status: 404,
      body: 'no WebSocket endpoint at /socket; connect to /ws\n',
    });
    accepting = false;
    expect((await TestClient.refusal(`${base}/ws?token=${token('alice')}`)).status).toBe(503);
    expect(rejected).toEqual(['not_found', 'unavailable']);
  });

  test('a client whose token expires while connected is closed with 4401', async () => {
    const client = await connect('alice');
    hub.heartbeat();
    expect(client.closed).toBeUndefined();
    now += 3600 * 1000;
    hub.heartbeat();
    expect(await client.waitForClose()).toEqual({ code: 4401, reason: 'token expired' });
    expect(disconnects).toEqual(['expired']);
  });

  test('a client that does not answer pings is cut off at the next heartbeat, one that does stays', async () => {
    const deaf = await connect('alice', { autoPong: false });
    const live = await connect('bob');
    hub.heartbeat();
    // Loopback round trip: the live client's pong arrives well within this.
    await new Promise((resolve) => setTimeout(resolve, 200));
    hub.heartbeat();
    expect((await deaf.waitForClose()).code).toBe(1006);
    expect(live.closed).toBeUndefined();
    expect(hub.clientsOf('bob')).toBe(1);
    expect(disconnects).toEqual(['heartbeat']);
  });

  test("a client's ping is answered with a pong carrying its payload", async () => {
    const client = await connect('alice');
    const pong = new Promise<string>((resolve) => client.socket.once('pong', (data: Buffer) => resolve(data.toString())));
    client.socket.ping('are you there');
    expect(await pong).toBe('are you there');
  });

  test('a slow client is disconnected with 4408 while a fast one keeps receiving everything', async () => {
    const slow = await connect('alice');
    const fast = await connect('alice');
    slow.tcp.pause();
    const chunk = 'x'.repeat(32 * 1024);
    let delivered = 0;
    // Bounded: the kernel buffers a few MiB on loopback before the bound is reached.
    for (let i = 0; i < 2000 && !disconnects.includes('slow'); i++) {
      hub.deliver('alice', JSON.stringify({ seq: i, chunk }));
      delivered++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(disconnects).toEqual(['slow']);
    for (let i = delivered; i < delivered + 10; i++) hub.deliver('alice', JSON.stringify({ seq: i, chunk }));
    await fast.waitForMessages(delivered + 10, 20_000);
    expect(fast.messages.map((m) => (m as { seq: number }).seq)).toEqual(Array.from({ length: delivered + 10 }, (_, i) => i));
    slow.tcp.resume();
    expect(await slow.waitForClose(20_000)).toEqual({ code: 4408, reason: 'too slow: the unsent queue passed its bound' });
    expect(slow.messages.length).toBeLessThan(delivered);
    expect(fast.closed).toBeUndefined();
  });

  test('shutdown closes every client with 1001', async () => {
    const client = await connect('alice');
    hub.closeAll(1000);
    expect(await client.waitForClose()).toEqual({ code: 1001, reason: 'server shutting down' });
    await waitFor(() => hub.size === 0, 'hub empty');
  });
});
