/**
 * Prints the `rpk topic create` commands for a stack's topics, for the Docker
 * setup (docker-compose.redpanda.yml), so its topics match the spec without
 * restating partitions or retention anywhere:
 *
 *   npx tsx scripts/local/rpk-commands.ts [--stack dev] | docker exec -i redpanda sh
 */
import '../../platform/require-node.cjs';
import { pathToFileURL } from 'node:url';
import { loadPlatform, type PlatformSpec } from '../../platform/index.js';
import { parseUpArgs } from './args.js';
import { localTopics } from './topics.js';

/** One `rpk topic create` line per topic, replication capped at the compose file's single broker. */
export function rpkTopicCommands(spec: PlatformSpec): string[] {
  return localTopics(spec).map((topic) =>
    [
      'rpk topic create',
      topic.name,
      `--partitions ${topic.partitions}`,
      `--replicas ${topic.replicationFactor}`,
      ...Object.entries(topic.configs).map(([key, value]) => `--topic-config ${key}=${value}`),
    ].join(' '),
  );
}

// Run as a script, not when imported by a test.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { stack } = parseUpArgs(process.argv.slice(2));
  console.log(rpkTopicCommands(loadPlatform(stack)).join('\n'));
}
