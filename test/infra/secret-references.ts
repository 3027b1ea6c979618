/**
 * Finds every Secret a Kubernetes object refers to by name: `secretKeyRef`
 * (env, Strimzi/Redpanda user passwords, Dapr component metadata),
 * `secretRef` (envFrom, Redpanda `auth.sasl.secretRef`) and `secretName`
 * (volumes, trusted certificates). References resolve in the object's namespace.
 */
export interface SecretReference {
  readonly namespace: string;
  readonly name: string;
  /** Where in the object, e.g. `Deployment todo/audit-service .spec.template...`. */
  readonly from: string;
}

function walk(value: unknown, path: string, found: { name: string; path: string }[]): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, `${path}[${i}]`, found));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, child] of Object.entries(value)) {
    const at = `${path}.${key}`;
    if ((key === 'secretKeyRef' || key === 'secretRef') && typeof child === 'object' && child !== null && 'name' in child) {
      found.push({ name: String((child as { name: unknown }).name), path: at });
    } else if ((key === 'secretRef' || key === 'secretName') && typeof child === 'string') {
      found.push({ name: child, path: at });
    }
    walk(child, at, found);
  }
}

export function secretReferences(objects: readonly Record<string, unknown>[]): SecretReference[] {
  return objects.flatMap((obj) => {
    const metadata = (obj.metadata ?? {}) as { namespace?: string; name?: string };
    const found: { name: string; path: string }[] = [];
    walk(obj, '', found);
    return found.map((f) => ({
      namespace: metadata.namespace ?? 'default',
      name: f.name,
      from: `${String(obj.kind)} ${metadata.namespace}/${metadata.name} ${f.path}`,
    }));
  });
}
