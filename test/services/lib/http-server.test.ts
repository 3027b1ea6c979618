import { ServiceHttpServer } from '../../../services/lib/http-server.js';
import { createLogger } from '../../../services/lib/logger.js';
import { ServiceMetrics } from '../../../services/lib/metrics.js';

describe('ServiceHttpServer', () => {
  let server: ServiceHttpServer;
  let base: string;
  let connected = false;

  beforeAll(async () => {
    const metrics = new ServiceMetrics('audit-service', { defaultMetrics: false });
    metrics.processed('task-events', 'success', 5);
    metrics.setLag([{ topic: 'task-events', partition: 2, lag: 17 }]);
    server = new ServiceHttpServer(createLogger({ stream: { write: () => true } }), metrics);
    server.readinessCheck('kafka', () => connected);
    server.route('POST', '/echo', (_req, body, res) => void res.end(body));
    base = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  });
  afterAll(() => server.close());

  it('answers /healthz while the process runs', async () => {
    const response = await fetch(`${base}/healthz`);
    expect([response.status, await response.json()]).toEqual([200, { status: 'ok' }]);
  });

  it('answers /readyz 503 naming the failing checks, and 200 once they pass', async () => {
    connected = false;
    const before = await fetch(`${base}/readyz`);
    expect([before.status, await before.json()]).toEqual([503, { status: 'not ready', failing: ['kafka'] }]);
    connected = true;
    const after = await fetch(`${base}/readyz`);
    expect([after.status, await after.json()]).toEqual([200, { status: 'ready' }]);
  });

  it('exposes the processed counter and the lag gauge with the platform metric names on /metrics', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('todo_events_messages_processed_total{service="audit-service",topic="task-events",outcome="success"} 5');
    expect(text).toContain('todo_events_consumer_lag{service="audit-service",topic="task-events",partition="2"} 17');
    expect(text).toContain('# TYPE todo_events_message_handling_seconds histogram');
  });

  it('routes requests with their body and answers 404 for unknown paths', async () => {
    expect(await (await fetch(`${base}/echo`, { method: 'POST', body: 'hi' })).text()).toBe('hi');
    const missing = await fetch(`${base}/nope`);
    expect([missing.status, await missing.json()]).toEqual([404, { error: 'no route for GET /nope' }]);
  });

  it('closes idempotently', async () => {
    const extra = new ServiceHttpServer(
      createLogger({ stream: { write: () => true } }),
      new ServiceMetrics('x', { defaultMetrics: false }),
    );
    await extra.listen(0, '127.0.0.1');
    await Promise.all([extra.close(), extra.close()]);
    await expect(extra.close()).resolves.toBeUndefined();
  });
});

describe('ServiceHttpServer bounds', () => {
  let server: ServiceHttpServer;
  let base: string;
  const seen: string[] = [];
  let admitted = 0;
  let released = 0;

  beforeAll(async () => {
    server = new ServiceHttpServer(createLogger({ stream: { write: () => true } }), new ServiceMetrics('x', { defaultMetrics: false }), {
      maxBodyBytes: 1024,
    });
    server.route('POST', '/echo', (_req, body, res) => void res.end(body));
    server.route('POST', '/throws', () => {
      throw new Error('handler bug');
    });
    server.route('POST', '/guarded', (_req, body, res) => void (seen.push(body.toString()), res.end('ok')), {
      admit: (request) => {
        if (request.headers['x-key'] !== 'k') return { refuse: { status: 401, body: { error: 'no key' }, headers: { 'x-why': 'key' } } };
        admitted++;
        return { release: () => void released++ };
      },
      tooLarge: (_req, res) => void res.writeHead(200).end('dropped'),
    });
    base = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  });
  afterAll(() => server.close());

  it('answers 413 for a body over the limit, declared or streamed, without buffering it', async () => {
    expect((await fetch(`${base}/echo`, { method: 'POST', body: 'x'.repeat(1025) })).status).toBe(413);
    const chunked = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode('y'.repeat(400)));
        controller.close();
      },
    });
    const streamed = await fetch(`${base}/echo`, { method: 'POST', body: chunked, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await (await fetch(`${base}/echo`, { method: 'POST', body: 'x'.repeat(1024) })).text()).toHaveLength(1024);
  });

  it("runs a route's admission before reading the body, answers its refusal, and releases what it admitted", async () => {
    const refused = await fetch(`${base}/guarded`, { method: 'POST', body: 'secret body' });
    expect([refused.status, refused.headers.get('x-why'), await refused.json()]).toEqual([401, 'key', { error: 'no key' }]);
    expect(seen).toEqual([]);
    expect(await (await fetch(`${base}/guarded`, { method: 'POST', body: 'hello', headers: { 'x-key': 'k' } })).text()).toBe('ok');
    expect(await (await fetch(`${base}/guarded`, { method: 'POST', body: 'z'.repeat(2000), headers: { 'x-key': 'k' } })).text()).toBe(
      'dropped',
    );
    expect([seen, admitted, released]).toEqual([['hello'], 2, 2]);
  });

  it('answers 500 when a route throws and 404 for request targets that are no URL', async () => {
    expect((await fetch(`${base}/throws`, { method: 'POST', body: '' })).status).toBe(500);
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${base}/`, { method: 'GET', path: '//%zz?%' }, (res) => resolve(res.statusCode!));
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(404);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});
