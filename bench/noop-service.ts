/**
 * The audit service's runtime without its work: same configuration, user,
 * consumer group, library consumer (fetch, decode, validate, commit after
 * handling), and a handler that does nothing. The bench bundles it like the
 * services (`NOOP_SERVICE_BUNDLE`) and runs it as a child process with the
 * same runtime environment over the same block as the audit service, so the
 * ratio of the two is the cost of writing to PostgreSQL alone.
 *
 *   node --import tsx bench/noop-service.ts   (by hand)
 */
import { localServiceEnvironment } from '../services/lib/local-environment.js';
import { runService } from '../services/lib/service.js';
import type { TaskEvent } from '../services/lib/events.js';

const { env } = localServiceEnvironment('audit');
await runService<TaskEvent>(
  {
    name: 'audit',
    start: async () => ({
      handle: async () => undefined,
      handleBatch: async () => undefined,
    }),
  },
  { env, handleSignals: true },
);
