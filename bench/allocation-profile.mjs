/**
 * Preloaded into a service the bench runs, to see what it allocates: V8's
 * sampling heap profiler, keeping the objects the collector has freed since
 * (`includeObjectsCollectedByMinorGC` / `…MajorGC`), so a profile shows every
 * allocation site, not only what is still alive at the end. Written when the
 * service is stopped (the bench sends SIGTERM) as
 * `<ALLOCATION_PROFILE_DIR or the temp dir>/allocations-<pid>.heapprofile`,
 * which Chrome DevTools' Memory panel opens.
 *
 *   BENCH_VARIANTS='{"alloc":{"_args":"--import ./bench/allocation-profile.mjs"}}' \
 *     BENCH_ROUNDS=1 npm run bench:audit-rounds
 *
 * Plain JavaScript, not TypeScript: the service runs as the image does,
 * without a TypeScript loader.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Bytes between two samples: small enough to see per-record allocations. @default 2048 */
const SAMPLING_INTERVAL = 2048;

const session = new Session();
session.connect();
session.post('HeapProfiler.enable');
session.post('HeapProfiler.startSampling', {
  samplingInterval: SAMPLING_INTERVAL,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});

let written = false;
function write() {
  if (written) return;
  written = true;
  // A session on the main thread answers synchronously, so this finishes before the service's own SIGTERM handler runs.
  session.post('HeapProfiler.stopSampling', (error, result) => {
    if (error) return console.error(`allocation profile not written: ${error.message}`);
    const file = join(process.env.ALLOCATION_PROFILE_DIR ?? tmpdir(), `allocations-${process.pid}.heapprofile`);
    writeFileSync(file, JSON.stringify(result.profile));
    console.error(`allocation profile: ${file}`);
  });
}
process.prependListener('SIGTERM', write);
process.prependListener('SIGINT', write);
process.on('exit', write);
