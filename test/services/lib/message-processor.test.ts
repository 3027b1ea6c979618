import { randomUUID } from 'node:crypto';
import type { DeadLetterEnvelope, RawMessage } from '../../../services/lib/dead-letter.js';
import { DependencyHealth } from '../../../services/lib/dependency-health.js';
import { PermanentError, TransientError } from '../../../services/lib/errors.js';
import type { TaskEvent } from '../../../services/lib/events.js';
import type { AnyEventHandler, ReceivedEvent } from '../../../services/lib/handler.js';
import { createLogger } from '../../../services/lib/logger.js';
import { MessageProcessor } from '../../../services/lib/message-processor.js';
import { ServiceMetrics } from '../../../services/lib/metrics.js';

const quiet = createLogger({ stream: { write: () => true } });

function taskEvent(title: string): TaskEvent {
  return {
    event_id: randomUUID(),
    event_type: 'created',
    timestamp: '2024-01-15T10:30:00Z',
    user_id: 'user-1',
    task_id: 1,
    task_data: { title, completed: false },
  };
}

let offset = 0n;
function raw(value: string | TaskEvent): RawMessage {
  return {
    topic: 'task-events',
    partition: 0,
    offset: offset++,
    key: 'user-1',
    headers: {},
    value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    timestamp: null,
  };
}

function setup(handler: AnyEventHandler, signal = new AbortController().signal, log = quiet) {
  const metrics = new ServiceMetrics('test-service', { defaultMetrics: false });
  const letters: DeadLetterEnvelope[] = [];
  const processor = new MessageProcessor({
    service: 'test-service',
    handler,
    retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 2 },
    metrics,
    log,
    signal,
    deadLetter: async (batch) => void letters.push(...batch),
  });
  const count = (outcome: 'success' | 'retry' | 'dead_letter' | 'error') => metrics.processedCount('task-events', outcome);
  return { processor, letters, count };
}

describe('MessageProcessor', () => {
  it('hands a batch of valid events to handleBatch in one call and completes all of them', async () => {
    const calls: string[][] = [];
    const { processor, letters, count } = setup({
      handle: async () => {},
      handleBatch: async (events) => void calls.push(events.map((e) => (e.event as TaskEvent).task_data.title)),
    });
    const outcome = await processor.process([raw(taskEvent('a')), raw(taskEvent('b')), raw(taskEvent('c'))]);
    expect(outcome).toEqual({ completed: 3, succeeded: 3, deadLettered: 0, abandoned: new Set() });
    expect(calls).toEqual([['a', 'b', 'c']]);
    expect([letters.length, await count('success')]).toEqual([0, 3]);
  });

  it('dead-letters a message that is not JSON or breaks the schema without calling the handler', async () => {
    const handled: string[] = [];
    const { processor, letters, count } = setup({ handle: async (e) => void handled.push((e as TaskEvent).task_data.title) });
    const outcome = await processor.process([raw('{oops'), raw({ ...taskEvent('x'), user_id: '' }), raw(taskEvent('ok'))]);
    expect(outcome).toEqual({ completed: 3, succeeded: 1, deadLettered: 2, abandoned: new Set() });
    expect(handled).toEqual(['ok']);
    expect(letters.map((l) => [l.error.code, l.attempts, l.original_message.value?.slice(0, 5)])).toEqual([
      ['MESSAGE_MALFORMED', 0, '{oops'],
      ['EVENT_INVALID', 0, '{"eve'],
    ]);
    expect(letters[1]!.error.message).toBe('invalid task-events event: user_id: must be a non-empty string, got ""');
    expect([await count('dead_letter'), await count('success')]).toEqual([2, 1]);
  });

  it('isolates the event a failing batch trips on, dead-letters it after its 3 attempts and keeps the rest', async () => {
    const poison = taskEvent('poison');
    const written: string[] = [];
    const { processor, letters, count } = setup({
      handle: async () => {},
      handleBatch: async (events: readonly ReceivedEvent[]) => {
        if (events.some((e) => e.event.event_id === poison.event_id)) throw new TypeError("Cannot read properties of null (reading 'due')");
        written.push(...events.map((e) => (e.event as TaskEvent).task_data.title));
      },
    });
    const outcome = await processor.process([raw(taskEvent('a')), raw(poison), raw(taskEvent('c'))]);
    expect(outcome).toEqual({ completed: 3, succeeded: 2, deadLettered: 1, abandoned: new Set() });
    expect(written).toEqual(['a', 'c']);
    expect(letters.map((l) => [l.error.code, l.attempts, l.source.offset])).toEqual([['HANDLER_ERROR', 3, letters[0]!.source.offset]]);
    // The batch is split at its first message failure; the poison alone then gets 3 attempts (2 retries).
    expect(await count('retry')).toBe(2);
  });

  it('holds a batch through a dependency outage, however long, and dead-letters nothing', async () => {
    let failures = 0;
    const written: string[] = [];
    const metrics = new ServiceMetrics('test-service', { defaultMetrics: false });
    const letters: DeadLetterEnvelope[] = [];
    const health = new DependencyHealth(metrics, quiet);
    const readiness: boolean[] = [];
    const processor = new MessageProcessor({
      service: 'test-service',
      handler: {
        handle: async () => {},
        handleBatch: async (events) => {
          readiness.push(health.allUp());
          // Ten failures: far more than the 3 attempts a message failure gets.
          if (failures++ < 10) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
          written.push(...events.map((e) => (e.event as TaskEvent).task_data.title));
        },
      },
      retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 4 },
      metrics,
      log: quiet,
      signal: new AbortController().signal,
      health,
      deadLetter: async (batch) => void letters.push(...batch),
    });
    const outcome = await processor.process([raw(taskEvent('a')), raw(taskEvent('b'))]);
    expect(outcome).toEqual({ completed: 2, succeeded: 2, deadLettered: 0, abandoned: new Set() });
    expect([written, letters.length, failures]).toEqual([['a', 'b'], 0, 11]);
    // Not ready from the first failure until the call succeeded; the gauge follows.
    expect(readiness).toEqual([true, ...Array(10).fill(false)]);
    expect([health.allUp(), await metrics.dependencyState('network')]).toEqual([true, 1]);
    expect(await metrics.processedCount('task-events', 'retry')).toBe(10 * 2);
  });

  it('gives up a held batch for the partitions a rebalance moved away, and keeps handling the ones it still owns', async () => {
    let owned = new Set(['task-events:0', 'task-events:1']);
    let calls = 0;
    const written: string[] = [];
    const { processor, letters } = setup({
      handle: async () => {},
      handleBatch: async (events) => {
        if (calls++ === 0) {
          owned = new Set(['task-events:1']);
          throw new TransientError('database restarting', { code: 'POSTGRES_57P03', dependency: 'postgres' });
        }
        written.push(...events.map((e) => (e.event as TaskEvent).task_data.title));
      },
    });
    const onPartition = (partition: number, event: TaskEvent): RawMessage => ({ ...raw(event), partition });
    const outcome = await processor.process(
      [onPartition(0, taskEvent('p0')), onPartition(1, taskEvent('p1')), onPartition(0, taskEvent('p0-later'))],
      {
        owns: (topic, partition) => owned.has(`${topic}:${partition}`),
      },
    );
    expect(written).toEqual(['p1']);
    expect(outcome).toEqual({ completed: 3, succeeded: 1, deadLettered: 0, abandoned: new Set(['task-events:0']) });
    expect(letters).toEqual([]);
  });

  it('dead-letters at once, after one attempt, when the handler throws a non-retryable error', async () => {
    let calls = 0;
    const { processor, letters } = setup({
      handle: async () => {
        calls++;
        throw new PermanentError('webhook answered 410', { code: 'WEBHOOK_410' });
      },
    });
    await processor.process([raw(taskEvent('a'))]);
    expect(calls).toBe(1);
    expect(letters.map((l) => [l.error, l.attempts])).toEqual([[{ code: 'WEBHOOK_410', message: 'webhook answered 410' }, 1]]);
  });

  it('keeps handling in order after a poison message (the consumer keeps going)', async () => {
    const seen: string[] = [];
    const { processor } = setup({
      handle: async (event) => {
        const title = (event as TaskEvent).task_data.title;
        if (title === 'bad') throw new Error('handler bug');
        seen.push(title);
      },
    });
    await processor.process([raw(taskEvent('1')), raw(taskEvent('bad')), raw(taskEvent('2')), raw(taskEvent('3'))]);
    expect(seen).toEqual(['1', '2', '3']);
  });

  it('stops at shutdown during retries and reports only the finished prefix, so the rest is redelivered', async () => {
    const controller = new AbortController();
    const metrics = new ServiceMetrics('test-service', { defaultMetrics: false });
    const letters: DeadLetterEnvelope[] = [];
    const processor = new MessageProcessor({
      service: 'test-service',
      handler: {
        handle: async (event) => {
          if ((event as TaskEvent).task_data.title === 'slow') {
            controller.abort();
            throw new TransientError('database restarting');
          }
        },
      },
      retry: { attempts: 3, initialDelayMs: 60_000, maxDelayMs: 60_000 },
      metrics,
      log: quiet,
      signal: controller.signal,
      deadLetter: async (batch) => void letters.push(...batch),
    });
    const outcome = await processor.process([raw('not json'), raw(taskEvent('ok')), raw(taskEvent('slow')), raw(taskEvent('after'))]);
    expect(outcome).toEqual({ completed: 2, succeeded: 1, deadLettered: 1, abandoned: new Set() });
    expect(letters.map((l) => l.error.code)).toEqual(['MESSAGE_MALFORMED']);
  });

  it('fails the batch and counts an error when the broker refuses the dead letter itself', async () => {
    const metrics = new ServiceMetrics('test-service', { defaultMetrics: false });
    const processor = new MessageProcessor({
      service: 'test-service',
      handler: { handle: async () => {} },
      retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 },
      metrics,
      log: quiet,
      signal: new AbortController().signal,
      deadLetter: async () => {
        throw new PermanentError('the dead letter is larger than the topic accepts', { code: 'MESSAGE_TOO_LARGE' });
      },
    });
    await expect(processor.process([raw('garbage')])).rejects.toThrow('the dead letter is larger than the topic accepts');
    expect(await metrics.processedCount('task-events', 'error')).toBe(1);
  });

  it('retries writing dead letters while the broker is away, then counts them', async () => {
    let failures = 0;
    const letters: DeadLetterEnvelope[] = [];
    const metrics = new ServiceMetrics('test-service', { defaultMetrics: false });
    const processor = new MessageProcessor({
      service: 'test-service',
      handler: { handle: async () => {} },
      retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 2 },
      metrics,
      log: quiet,
      signal: new AbortController().signal,
      deadLetter: async (batch) => {
        if (failures++ < 5)
          throw new TransientError('producing to task-events-dlq failed', { code: 'KAFKA_PRODUCE_FAILED', dependency: 'kafka' });
        letters.push(...batch);
      },
    });
    expect(await processor.process([raw('garbage')])).toEqual({ completed: 1, succeeded: 0, deadLettered: 1, abandoned: new Set() });
    expect([letters.length, await metrics.processedCount('task-events', 'dead_letter')]).toEqual([1, 1]);
  });

  it('prepares a batch without side effects: nothing is handled, logged, counted or dead-lettered until it is handled', async () => {
    const handled: string[] = [];
    const lines: string[] = [];
    const log = createLogger({ stream: { write: (line: string) => lines.push(line) > 0 } });
    const { processor, letters, count } = setup(
      { handle: async (event) => void handled.push((event as TaskEvent).task_data.title) },
      undefined,
      log,
    );
    const prepared = processor.prepare([raw(taskEvent('a')), raw('not json')]);
    expect([handled, lines, letters.length, await count('success'), await count('dead_letter')]).toEqual([[], [], 0, 0, 0]);

    const outcome = await processor.handle(prepared);
    expect(outcome).toEqual({ completed: 2, succeeded: 1, deadLettered: 1, abandoned: new Set() });
    expect(handled).toEqual(['a']);
    expect(letters.map((l) => [l.error.code, l.original_message.value])).toEqual([['MESSAGE_MALFORMED', 'not json']]);
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(['message dead-lettered']);
  });

  it('hands the handler only what its keep takes of each valid event, given the record bytes', async () => {
    const kept: unknown[] = [];
    const { processor } = setup({
      keep: (event, value) => ({ id: event.event_id, bytes: value?.length }),
      handle: async () => {},
      handleBatch: async (events) => void kept.push(...events.map((e) => e.event)),
    });
    const [a, b] = [taskEvent('a'), taskEvent('b')];
    const messages = [raw(a), raw('{oops'), raw(b)];
    const outcome = await processor.process(messages);
    expect(outcome.succeeded).toBe(2);
    expect(kept).toEqual([
      { id: a.event_id, bytes: messages[0]!.value!.length },
      { id: b.event_id, bytes: messages[2]!.value!.length },
    ]);
  });

  it('dead-letters an event whose keep throws, with that error, and handles the rest', async () => {
    const handled: string[] = [];
    const { processor, letters } = setup({
      keep: (event) => {
        if ((event as TaskEvent).task_data.title === 'unkeepable') throw new PermanentError('no column for it');
        return event;
      },
      handle: async (event) => void handled.push((event as TaskEvent).task_data.title),
    });
    const outcome = await processor.process([raw(taskEvent('unkeepable')), raw(taskEvent('fine'))]);
    expect([outcome.completed, outcome.succeeded, outcome.deadLettered]).toEqual([2, 1, 1]);
    expect(handled).toEqual(['fine']);
    expect(letters.map((l) => [l.error.message, l.attempts])).toEqual([['no column for it', 0]]);
  });

  it('hands each event its record value exactly as received, for handlers that store the text', async () => {
    const values: Array<string | undefined> = [];
    const { processor } = setup({
      handle: async () => {},
      handleBatch: async (events) => void values.push(...events.map((e) => e.context.value?.toString('utf8'))),
    });
    const text = ` ${JSON.stringify(taskEvent('spaced'))}`;
    await processor.process([raw(text), raw(taskEvent('b'))]);
    expect(values[0]).toBe(text);
    expect(values).toHaveLength(2);
  });
});
