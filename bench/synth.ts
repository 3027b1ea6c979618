/**
 * `npm run bench:synth`: how chart synthesis scales with the size of the
 * platform. For 10, 100, 1,000 and 10,000 topics (and one service per 10 topics,
 * half of them in Dapr mode) it synthesizes every chart and serializes it to
 * YAML, as `npm run synth` does short of writing files, for a Strimzi and a
 * Redpanda cluster, and prints `name: value` lines.
 *
 * Each size runs in a child process of its own, so its peak RSS is its own;
 * the child first synthesizes a small spec untimed (module loading and JIT
 * warm-up) and the measured one once, then reports the median of several
 * timed syntheses (small sizes run more often, as one run is noise on a
 * shared machine). `peak_rss_mb` is the child's peak RSS after that first
 * synthesis, what one `npm run synth` of the spec needs;
 * `repeated_peak_rss_mb` the peak after the timed runs too, where V8 grows
 * the heap with the garbage of earlier runs. `heap_used_mb` is the V8 heap in
 * use right after the last synthesis, with its output still held.
 */
import '../platform/require-node.cjs';
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { synthesizeManifests, toYamlDocuments } from '../charts/index.js';
import {
  resolvePlatform,
  validatePlatform,
  type PlatformConfig,
  type PlatformSpec,
  type ServiceConfig,
  type TopicConfig,
} from '../platform/index.js';

const SIZES = [10, 100, 1000, 10000] as const;
const FLAVORS = ['strimzi', 'redpanda'] as const;
const TOPICS_PER_SERVICE = 10;
/** Timed syntheses per size: at least `MIN_RUNS`, more while under `MIN_TIMED_MS` in total; the median is reported. */
const MIN_RUNS = 3;
const MAX_RUNS = 25;
const MIN_TIMED_MS = 1500;
const DLQ = 'task-events-dlq';

type Flavor = (typeof FLAVORS)[number];

/**
 * A platform with `topics` topics: the dead-letter topic and `topics - 1`
 * generated ones, a service consuming each run of 10, and one producer.
 * The specification's own topics and services are removed so the size is exact.
 */
export function generatedConfig(flavor: Flavor, topics: number): PlatformConfig {
  const names = Array.from({ length: topics - 1 }, (_, i) => `bench-topic-${String(i + 1).padStart(4, '0')}`);
  const topicConfigs: Record<string, TopicConfig | null> = { reminders: null, 'task-events': null, 'task-updates': null };
  for (const name of names) topicConfigs[name] = { partitions: 3, retention: '1d' };
  const services: Record<string, ServiceConfig | null> = { audit: null, 'recurring-task': null, notification: null, websocket: null };
  for (let i = 0; i * TOPICS_PER_SERVICE < names.length; i++) {
    services[`bench-${String(i + 1).padStart(3, '0')}`] = {
      mode: i % 2 === 0 ? 'kafka' : 'dapr',
      consumes: names.slice(i * TOPICS_PER_SERVICE, (i + 1) * TOPICS_PER_SERVICE),
      deadLetterTopic: DLQ,
    };
  }
  return {
    cluster: { flavor, brokers: 3 },
    topics: topicConfigs,
    services,
    producers: { 'todo-api': { produces: [names[0]!] } },
  };
}

export function generatedSpec(flavor: Flavor, topics: number): PlatformSpec {
  const config = generatedConfig(flavor, topics);
  const problems = validatePlatform(config);
  if (problems.length > 0) throw new Error(`generated config is invalid: ${JSON.stringify(problems)}`);
  return resolvePlatform(`bench-${flavor}-${topics}`, config);
}

/** Synthesizes every chart and serializes it; returns the object count and the bytes of YAML. */
function synthesize(spec: PlatformSpec): { objects: number; bytes: number; output: string[] } {
  const output = synthesizeManifests(spec).map((chart) => toYamlDocuments(chart.objects));
  const objects = output.reduce((n, yaml) => n + yaml.split('\n---\n').length, 0);
  return { objects, bytes: output.reduce((n, yaml) => n + yaml.length, 0), output };
}

interface Measurement {
  readonly flavor: Flavor;
  readonly topics: number;
  readonly services: number;
  readonly objects: number;
  readonly yamlBytes: number;
  readonly runs: number;
  readonly timeMs: number;
  /** Peak RSS after one synthesis (plus the warm-up): what a `npm run synth` process of this spec needs. */
  readonly peakRssMb: number;
  /** Peak RSS after all the timed syntheses in one process (V8 lets garbage grow the heap between them). */
  readonly repeatedPeakRssMb: number;
  readonly heapUsedMb: number;
}

function measure(flavor: Flavor, topics: number): Measurement {
  synthesize(generatedSpec(flavor, 10));
  const spec = generatedSpec(flavor, topics);
  const times: number[] = [];
  let last = synthesize(spec);
  // What one `npm run synth` of this spec holds at most: start-up, the warm-up and one synthesis.
  const onceRssMb = process.resourceUsage().maxRSS / 1024;
  let total = 0;
  while (times.length < MIN_RUNS || (total < MIN_TIMED_MS && times.length < MAX_RUNS)) {
    const start = performance.now();
    last = synthesize(spec);
    const elapsed = performance.now() - start;
    times.push(elapsed);
    total += elapsed;
  }
  times.sort((a, b) => a - b);
  const mb = (bytes: number) => bytes / 1024 / 1024;
  return {
    flavor,
    topics,
    services: spec.services.length,
    objects: last.objects,
    yamlBytes: last.bytes,
    runs: times.length,
    timeMs: times[Math.floor(times.length / 2)]!,
    heapUsedMb: mb(process.memoryUsage().heapUsed),
    peakRssMb: onceRssMb,
    repeatedPeakRssMb: mb(process.resourceUsage().maxRSS * 1024),
  };
}

/** Runs one measurement in a child process (same Node, same loader flags). */
function measureInChild(flavor: Flavor, topics: number): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child', flavor, String(topics)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.once('message', (m) => resolve(m as Measurement));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`measurement of ${flavor} with ${topics} topics exited with ${code}`));
    });
  });
}

const fixed = (n: number, digits = 1) => n.toFixed(digits);

async function main(): Promise<void> {
  for (const flavor of FLAVORS) {
    const results: Measurement[] = [];
    for (const topics of SIZES) {
      const m = await measureInChild(flavor, topics);
      results.push(m);
      const prefix = `synth.${flavor}.topics_${topics}`;
      console.log(`${prefix}.services: ${m.services}`);
      console.log(`${prefix}.objects: ${m.objects}`);
      console.log(`${prefix}.yaml_kib: ${fixed(m.yamlBytes / 1024)}`);
      console.log(`${prefix}.runs: ${m.runs}`);
      console.log(`${prefix}.time_ms: ${fixed(m.timeMs)}`);
      console.log(`${prefix}.time_per_topic_ms: ${fixed(m.timeMs / topics, 3)}`);
      console.log(`${prefix}.peak_rss_mb: ${fixed(m.peakRssMb)}`);
      console.log(`${prefix}.repeated_peak_rss_mb: ${fixed(m.repeatedPeakRssMb)}`);
      console.log(`${prefix}.heap_used_mb: ${fixed(m.heapUsedMb)}`);
    }
    const perTopic = (m: Measurement) => m.timeMs / m.topics;
    const [small, medium, large, huge] = results as [Measurement, Measurement, Measurement, Measurement];
    console.log(`synth.${flavor}.per_topic_time_ratio_1000_vs_10: ${fixed(perTopic(large) / perTopic(small), 2)}`);
    console.log(`synth.${flavor}.per_topic_time_ratio_1000_vs_100: ${fixed(perTopic(large) / perTopic(medium), 2)}`);
    console.log(`synth.${flavor}.per_topic_time_ratio_10000_vs_1000: ${fixed(perTopic(huge) / perTopic(large), 2)}`);
  }
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  const result = measure(args[1] as Flavor, Number(args[2]));
  process.send!(result, () => process.exit(0));
} else if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
