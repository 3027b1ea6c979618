/**
 * What production means for this platform: which stacks are production and
 * what their topics must guarantee. The policy pack (policy/) enforces these
 * on every preview: mandatory in a production stack, advisory elsewhere.
 */

/** Stacks that are production. @default ['prod'] */
export const PRODUCTION_STACKS: readonly string[] = ['prod'];

/** Whether `stack` is a production stack. */
export function isProductionStack(stack: string): boolean {
  return PRODUCTION_STACKS.includes(stack);
}

/**
 * Durability of a production topic: three copies, and `acks=all` writes that
 * need two of them, so one broker can be lost (or restarted) without losing an
 * acknowledged event or refusing writes.
 */
export const PRODUCTION_TOPIC_DURABILITY = { minReplicationFactor: 3, minInsyncReplicas: 2 } as const;
