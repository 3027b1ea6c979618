import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DaprEventPublisher } from '../../../services/lib/dapr-publisher.js';
import { DaprPublishError, InvalidEventError } from '../../../services/lib/errors.js';
import type { TaskUpdateEvent } from '../../../services/lib/events.js';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

/** A stand-in for the sidecar's HTTP API answering with the next status of `statuses`. */
async function fakeSidecar(statuses: number[]): Promise<{ server: Server; port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      seen.push({
        method: request.method!,
        url: request.url!,
        contentType: request.headers['content-type'],
        body: JSON.parse(Buffer.concat(chunks).toString()),
      });
      const status = statuses.shift() ?? 204;
      response.writeHead(status, status === 204 ? {} : { 'content-type': 'application/json' });
      response.end(status === 204 ? undefined : JSON.stringify({ errorCode: 'ERR_X', message: 'sidecar says no' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

const update = (): TaskUpdateEvent => ({
  event_id: randomUUID(),
  timestamp: '2024-01-15T10:30:00Z',
  user_id: 'user-42',
  update_type: 'updated',
  task: { id: 7, title: 'Buy groceries', completed: true },
});

const fast = { attempts: 3, initialDelayMs: 1, maxDelayMs: 2 };

describe('DaprEventPublisher', () => {
  let sidecar: Awaited<ReturnType<typeof fakeSidecar>>;
  afterEach(() => new Promise<void>((resolve) => sidecar.server.close(() => resolve())));

  it('posts the event as JSON to /v1.0/publish/<pubsub>/<topic> with the user id as partition key', async () => {
    sidecar = await fakeSidecar([204]);
    const event = update();
    const publisher = new DaprEventPublisher({ httpPort: sidecar.port, pubsubName: 'kafka-pubsub', retry: fast });
    await expect(publisher.publish('task-updates', event)).resolves.toEqual({ topic: 'task-updates' });
    expect(sidecar.seen).toEqual([
      {
        method: 'POST',
        url: '/v1.0/publish/kafka-pubsub/task-updates?metadata.partitionKey=user-42',
        contentType: 'application/json',
        body: event,
      },
    ]);
  });

  it('retries a 500 per the policy and succeeds when the sidecar recovers', async () => {
    sidecar = await fakeSidecar([500, 500, 204]);
    const publisher = new DaprEventPublisher({ httpPort: sidecar.port, pubsubName: 'kafka-pubsub', retry: fast });
    await publisher.publish('task-updates', update());
    expect(sidecar.seen).toHaveLength(3);
  });

  it.each([
    [400, 'DAPR_PUBLISH_400', 1, 'the sidecar rejected the request as malformed'],
    [404, 'DAPR_PUBLISH_404', 1, 'the sidecar has no pub/sub component of that name'],
    [403, 'DAPR_PUBLISH_403', 3, "the component's scopes do not allow this app to publish to the topic"],
    [500, 'DAPR_PUBLISH_500', 3, 'the sidecar failed to deliver the message to the broker'],
  ])('turns %p into DaprPublishError %p after %p attempt(s), saying what it means', async (status, code, attempts, meaning) => {
    sidecar = await fakeSidecar([status, status, status]);
    const publisher = new DaprEventPublisher({ httpPort: sidecar.port, pubsubName: 'kafka-pubsub', retry: fast });
    const error = (await publisher.publish('task-updates', update()).catch((e: unknown) => e)) as DaprPublishError;
    expect(error).toBeInstanceOf(DaprPublishError);
    expect([error.code, error.status]).toEqual([code, status]);
    expect(error.message).toBe(
      `publishing to task-updates through the Dapr sidecar failed: ${status}, ${meaning}: {"errorCode":"ERR_X","message":"sidecar says no"}`,
    );
    expect(sidecar.seen).toHaveLength(attempts);
  });

  it('refuses an invalid event before anything reaches the sidecar', async () => {
    sidecar = await fakeSidecar([]);
    const publisher = new DaprEventPublisher({ httpPort: sidecar.port, pubsubName: 'kafka-pubsub', retry: fast });
    await expect(publisher.publish('task-updates', { ...update(), update_type: 'moved' } as unknown as TaskUpdateEvent)).rejects.toThrow(
      InvalidEventError,
    );
    expect(sidecar.seen).toHaveLength(0);
  });

  it('reports an unreachable sidecar as a retryable error with status 0', async () => {
    sidecar = await fakeSidecar([]);
    const publisher = new DaprEventPublisher({
      httpPort: 1,
      pubsubName: 'kafka-pubsub',
      retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 },
    });
    const error = (await publisher.publish('task-updates', update()).catch((e: unknown) => e)) as DaprPublishError;
    expect([error.code, error.canRetry, error.status]).toEqual(['DAPR_PUBLISH_UNREACHABLE', true, 0]);
  });

  it('leaves the key out for the unkeyed reminders topic', () => {
    const publisher = new DaprEventPublisher({ httpPort: 3500, pubsubName: 'kafka-pubsub' });
    expect(publisher.publishUrl('reminders', undefined)).toBe('http://127.0.0.1:3500/v1.0/publish/kafka-pubsub/reminders');
  });
});
