/** Naming rules of Kafka topics and Kubernetes objects. */

/** Kafka's own limit (`Topic.MAX_NAME_LENGTH`). */
export const KAFKA_TOPIC_MAX_LENGTH = 249;
const KAFKA_TOPIC_CHARS = /^[a-zA-Z0-9._-]+$/;

/** RFC 1123 subdomain: what Kubernetes accepts as `metadata.name` of most objects. */
const K8S_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const K8S_NAME_MAX_LENGTH = 253;

/** RFC 1123 label: namespaces, Services, and what must fit in a label value. */
const K8S_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const K8S_LABEL_MAX_LENGTH = 63;

/** Why `name` is not a valid Kafka topic name, or undefined when it is. */
export function kafkaTopicNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name === '.' || name === '..') return 'is reserved by Kafka';
  if (name.length > KAFKA_TOPIC_MAX_LENGTH) {
    return `is ${name.length} characters long; Kafka allows at most ${KAFKA_TOPIC_MAX_LENGTH}`;
  }
  if (!KAFKA_TOPIC_CHARS.test(name)) {
    return 'may only contain ASCII letters, digits, ".", "_" and "-"';
  }
  return undefined;
}

export function isKubernetesName(name: string): boolean {
  return name.length <= K8S_NAME_MAX_LENGTH && K8S_NAME.test(name);
}

export function isKubernetesLabel(name: string): boolean {
  return name.length <= K8S_LABEL_MAX_LENGTH && K8S_LABEL.test(name);
}

/**
 * The Kubernetes resource name for a Kafka topic: the topic name itself when
 * valid, otherwise lower-cased with `_` mapped to `-` (the operators then get
 * the real name through `spec.topicName`). Two topics may map to one name;
 * the validator reports that.
 */
export function topicResourceName(topic: string): string {
  if (isKubernetesName(topic)) return topic;
  return topic
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/[^a-z0-9]+$/, '')
    .slice(0, K8S_NAME_MAX_LENGTH);
}

/** A label name: `[prefix/]name`, the name at most 63 characters of alphanumerics, `-`, `_`, `.`. */
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/**
 * Why `key` is not a valid Kubernetes label key, or undefined when it is: an
 * optional DNS-subdomain prefix and `/`, then a name.
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
 */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && !isKubernetesName(prefix)) return `has the prefix "${prefix}", which is not a DNS subdomain`;
  if (name.length === 0 || name.length > K8S_LABEL_MAX_LENGTH || !LABEL_NAME.test(name)) {
    return `is not a label name (at most ${K8S_LABEL_MAX_LENGTH} letters, digits, "-", "_" and ".", starting and ending alphanumeric)`;
  }
  return undefined;
}

/** Whether `value` is a valid label value: empty, or a label name. */
export function isLabelValue(value: string): boolean {
  return value === '' || (value.length <= K8S_LABEL_MAX_LENGTH && LABEL_NAME.test(value));
}
