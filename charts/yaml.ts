import { stringify } from 'yaml';

/**
 * Objects as a multi-document YAML stream, the `*.k8s.yaml` format of
 * `cdk8s synth`. Keys keep their insertion order, which cdk8s makes
 * deterministic, and long strings are never folded, so output is byte-stable.
 */
export function toYamlDocuments(objects: readonly unknown[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}
