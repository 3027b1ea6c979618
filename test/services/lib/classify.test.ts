import {
  ProtocolError,
  ResponseError,
  MultipleErrors,
  NetworkError,
  TimeoutError,
  UserError,
  AuthenticationError,
} from '@platformatic/kafka';
import { classify, PG_DEPENDENCY_SQLSTATES } from '../../../services/lib/classify.js';
import {
  DaprPublishError,
  InvalidEventError,
  MalformedMessageError,
  PermanentError,
  ServiceConfigError,
  TransientError,
} from '../../../services/lib/errors.js';
import { classifyPgError, pgError } from '../../../services/lib/postgres.js';

/** What pg's DatabaseError looks like: a SQLSTATE and a severity. */
const pgServerError = (code: string, message = 'server error') => Object.assign(new Error(message), { code, severity: 'ERROR' });
/** A Node.js system error. */
const systemError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, errno: -111, syscall: 'connect' });

describe('classify', () => {
  it.each([
    ['an event that is not JSON', new MalformedMessageError('not JSON'), 'message', false],
    ['an event that breaks the schema', new InvalidEventError('task-events', ['user_id: is required']), 'message', false],
    ['a handler-declared poison message', new PermanentError('task belongs to a deleted user'), 'message', false],
    ['a transient failure of a dependency', new TransientError('webhook answered 503'), 'dependency', true],
    ['a transient failure the handler blames on the message', new TransientError('retry me', { kind: 'message' }), 'message', true],
    ['a misconfigured service', new ServiceConfigError('audit', ['X: is not set']), 'dependency', false],
    ['a Dapr publish the sidecar rejected as malformed', new DaprPublishError(400, 'bad'), 'message', false],
    ['a Dapr publish without a component', new DaprPublishError(404, 'no pubsub'), 'dependency', false],
    ['a Dapr publish without an answer', new DaprPublishError(0, 'no answer'), 'dependency', true],
  ])('keeps the decision of a service error: %s', (_what, error, kind, canRetry) => {
    expect(classify(error)).toMatchObject({ kind, canRetry, rule: 'service-error' });
  });

  it.each([['ECONNREFUSED'], ['ECONNRESET'], ['ETIMEDOUT'], ['EPIPE'], ['EHOSTUNREACH'], ['ENOTFOUND'], ['EAI_AGAIN'], ['UND_ERR_SOCKET']])(
    'takes the socket error %s for a dependency failure',
    (code) => {
      expect(classify(systemError(code))).toEqual({ kind: 'dependency', canRetry: true, dependency: 'network', rule: `errno ${code}` });
    },
  );

  it.each([
    ['08006', 'dependency'], // connection failure
    ['28P01', 'dependency'], // password authentication failed: a rotated credential
    ['57P01', 'dependency'], // admin shutdown
    ['57P03', 'dependency'], // cannot connect now (starting up)
    ['57014', 'dependency'], // statement timeout
    ['40P01', 'dependency'], // deadlock
    ['40001', 'dependency'], // serialization failure
    ['53300', 'dependency'], // too many connections
    ['25006', 'dependency'], // read-only transaction: a standby after failover
    ['42P01', 'dependency'], // undefined table: the schema, not the event
    ['22P02', 'message'], // invalid text representation
    ['23505', 'message'], // unique violation
    ['23514', 'message'], // check violation
    ['54000', 'message'], // program limit exceeded (a row too large)
  ])('judges a PostgreSQL error by its SQLSTATE: %s is a %s failure', (sqlstate, kind) => {
    expect(classify(pgServerError(sqlstate))).toMatchObject({ kind, rule: `sqlstate ${sqlstate}` });
  });

  it('lists the dependency SQLSTATEs with what each means', () => {
    expect(PG_DEPENDENCY_SQLSTATES.every(({ meaning }) => meaning.length > 0)).toBe(true);
  });

  it('does not mistake a five-letter errno (EPIPE) for a SQLSTATE', () => {
    expect(classify(systemError('EPIPE')).kind).toBe('dependency');
  });

  it.each([
    ['a network error', 'dependency', new NetworkError('Connection closed')],
    ['a request timeout', 'dependency', new TimeoutError('Request timed out')],
    ['NOT_ENOUGH_REPLICAS', 'dependency', new ProtocolError('NOT_ENOUGH_REPLICAS')],
    ['a leader change', 'dependency', new ProtocolError('NOT_LEADER_OR_FOLLOWER')],
    ['a refused SASL login', 'dependency', new AuthenticationError('SASL authentication failed')],
    ['an ACL refusal', 'dependency', new ProtocolError('TOPIC_AUTHORIZATION_FAILED')],
    ['a record larger than the topic takes', 'message', new ProtocolError('MESSAGE_TOO_LARGE')],
    ['a record the client cannot send', 'message', new UserError('Invalid value')],
  ])('judges a @platformatic/kafka error: %s is a %s failure', (_what, kind, error) => {
    expect(classify(error)).toMatchObject({ kind, ...(kind === 'dependency' ? { dependency: 'kafka' } : { canRetry: false }) });
  });

  it('looks into aggregated errors: a produce response that failed for NOT_ENOUGH_REPLICAS, retried three times', () => {
    const response = new ResponseError(0, 9, { '/responses/0/partitionResponses/0': [19, null] }, {});
    const retried = new MultipleErrors('Produce failed 3 times.', [response, response, response]);
    expect(classify(retried)).toMatchObject({ kind: 'dependency', dependency: 'kafka', rule: 'kafka NOT_ENOUGH_REPLICAS' });
  });

  it('looks into causes: a plain error wrapping a refused connection is a dependency failure', () => {
    expect(classify(new Error('could not reach the database', { cause: systemError('ECONNREFUSED') })).kind).toBe('dependency');
  });

  it('takes an unrecognised error for a retryable failure of the message (3 attempts, then the dead-letter topic)', () => {
    expect(classify(new TypeError("Cannot read properties of undefined (reading 'id')"))).toEqual({
      kind: 'message',
      canRetry: true,
      rule: 'unrecognised',
    });
    expect(classify(Object.assign(new Error('nope'), { canRetry: false }))).toMatchObject({ kind: 'message', canRetry: false });
    expect(classify('a string thrown')).toMatchObject({ kind: 'message', canRetry: true });
  });
});

describe('pgError', () => {
  it.each([
    ['a refused connection', 'TransientError', 'POSTGRES_ECONNREFUSED', systemError('ECONNREFUSED')],
    ['a connection ended by the server crash', 'TransientError', 'POSTGRES_ERROR', new Error('Connection terminated unexpectedly')],
    ['a query that timed out on the client', 'TransientError', 'POSTGRES_ERROR', new Error('Query read timeout')],
    ['a pool that could not connect in time', 'TransientError', 'POSTGRES_ERROR', new Error('timeout exceeded when trying to connect')],
    [
      'the server shutting down',
      'TransientError',
      'POSTGRES_57P01',
      pgServerError('57P01', 'terminating connection due to administrator command'),
    ],
    ['a unique violation', 'PermanentError', 'POSTGRES_23505', pgServerError('23505')],
  ])('wraps %s as %s %s, blaming PostgreSQL or the data', (_what, type, code, error) => {
    const wrapped = pgError(error, 'writing audit rows');
    expect([wrapped.name, wrapped.code, wrapped.cause]).toEqual([type, code, error]);
    if (type === 'TransientError') expect(classify(wrapped)).toMatchObject({ kind: 'dependency', dependency: 'postgres' });
  });

  it('blames the data for a parameter the driver cannot send', () => {
    expect(classifyPgError(new TypeError('Do not know how to serialize a BigInt')).kind).toBe('message');
  });
});
