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
