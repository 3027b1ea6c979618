/** Every rule of the pack, in the order the policies are listed. */
import type { Rule } from '../rule.js';
import { kafkaSaslOverTls, prodTopicDurability, prodTopicProtection } from './kafka-rules.js';
import { noPlaintextSecrets } from './secret-rules.js';
import { containerResources, networkPolicyPerWorkload, nonRootReadOnlyRoot } from './workload-rules.js';

export {
  kafkaSaslOverTls,
  prodTopicDurability,
  prodTopicProtection,
  noPlaintextSecrets,
  containerResources,
  networkPolicyPerWorkload,
  nonRootReadOnlyRoot,
};

export const RULES: readonly Rule[] = [
  kafkaSaslOverTls,
  prodTopicDurability,
  prodTopicProtection,
  containerResources,
  nonRootReadOnlyRoot,
  networkPolicyPerWorkload,
  noPlaintextSecrets,
];
