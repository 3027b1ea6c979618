import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { onePassRecordsSource } from '../../../services/lib/bundle-kafka-records.js';
import { bundleServices } from '../../../services/lib/bundle.js';
import { bundleScratchDir, PROBES } from './bundle-probes/scratch.js';

const PROBE = join(PROBES, 'kafka-records.ts');
const run = promisify(execFile);

const dir = bundleScratchDir('bundle-records-test');

interface ProbeResult {
  batches: Array<{ attributes: number; records: Array<{ key: unknown; value: unknown; timestampDelta: string }> }>;
  truncated: string;
}

async function probe(args: readonly string[]): Promise<ProbeResult> {
  const { stdout } = await run(process.execPath, [...args]);
  return JSON.parse(stdout) as ProbeResult;
}

describe('record batches in the service bundle (onePassKafkaRecords)', () => {
  it('read into the same records as the client reads them, across chunks and compressed, and fail on a short batch', async () => {
    const bundle = join(dir, 'kafka-records.js');
    await bundleServices(bundle, PROBE);
    const [bundled, unbundled] = await Promise.all([probe([bundle]), probe(['--import', 'tsx', PROBE])]);
    expect(bundled.batches).toEqual(unbundled.batches);
    // Both batches and all their records: the plain one (5 records) and the gzip one (3).
    expect(bundled.batches.map((batch) => batch.records.length)).toEqual([5, 3]);
    expect(bundled.batches[1]!.attributes & 0b111).not.toBe(0);
    // The decoder read them (its error), where the client's own reads fail otherwise.
    expect(bundled.truncated).toBe('TruncatedRecordBatchError');
    expect(unbundled.truncated).not.toBe('TruncatedRecordBatchError');
  });
});

describe('onePassRecordsSource', () => {
  it('refuses a source without the loop it rewrites, naming the file to update', () => {
    expect(() => onePassRecordsSource('export function readRecordsBatch(reader) {}', 'dist/protocol/records.js')).toThrow(
      "dist/protocol/records.js: did not find readRecordsBatch's loop over readRecord; @platformatic/kafka changed, update services/lib/bundle-kafka-records.ts",
    );
  });
});
