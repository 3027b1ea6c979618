/**
 * What the broker answered to one operation: `allowed`, or the Kafka error
 * id it refused with (`TOPIC_AUTHORIZATION_FAILED`, …). @platformatic/kafka
 * nests the broker's ProtocolError inside MultipleErrors/ResponseError and
 * `cause` chains; this finds it.
 */

interface ErrorNode {
  apiId?: unknown;
  errors?: unknown;
  cause?: unknown;
}

/** Every Kafka protocol error id in an error tree, outermost first. */
export function protocolErrorIds(error: unknown, seen = new Set<unknown>()): string[] {
  if (error === null || typeof error !== 'object' || seen.has(error)) return [];
  seen.add(error);
  const node = error as ErrorNode;
  const own = typeof node.apiId === 'string' ? [node.apiId] : [];
  const children = Array.isArray(node.errors) ? node.errors : [];
  return [...own, ...children.flatMap((child) => protocolErrorIds(child, seen)), ...protocolErrorIds(node.cause, seen)];
}

export type Outcome = 'allowed' | string;

/**
 * Runs an operation and reports `allowed` or the first protocol error id.
 * An error without one (a timeout, a lost connection) is rethrown: it says
 * nothing about permissions and must fail the test.
 */
export async function outcomeOf(operation: () => Promise<unknown>): Promise<Outcome> {
  try {
    await operation();
    return 'allowed';
  } catch (error) {
    const [id] = protocolErrorIds(error);
    if (id === undefined) throw error;
    return id;
  }
}
