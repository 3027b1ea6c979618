/**
 * `npm run local:down`: stops the broker and PostgreSQL that `local:up`
 * started (by their pids) and removes their data and the env files.
 * Idempotent: with nothing running it says so and exits 0.
 */
import '../../platform/require-node.cjs';
import { stopAll } from './stop.js';
import { elapsed } from './log.js';

stopAll()
  .then(({ kafka, postgres }) =>
    console.log(`local:down done in ${elapsed()}: Kafka ${kafka}, PostgreSQL ${postgres}; .local data removed`),
  )
  .catch((err: Error) => {
    console.error(`local:down failed: ${err.message}`);
    process.exit(1);
  });
