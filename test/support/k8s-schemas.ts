/**
 * Validation of core Kubernetes objects with kubernetes-models (Kubernetes'
 * own OpenAPI schemas, compiled). These validators check types, required
 * fields and formats; they do not reject unknown fields.
 */
import { Deployment } from 'kubernetes-models/apps/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { ConfigMap, Namespace, Service, ServiceAccount } from 'kubernetes-models/v1';

interface Validatable {
  validate(): void;
}

const MODELS: Record<string, new (data: never) => Validatable> = {
  'v1 Namespace': Namespace,
  'v1 Service': Service,
  'v1 ServiceAccount': ServiceAccount,
  'v1 ConfigMap': ConfigMap,
  'apps/v1 Deployment': Deployment,
  'networking.k8s.io/v1 NetworkPolicy': NetworkPolicy,
};

/** Whether `object` is a core kind validated here. */
export function isCoreObject(object: { apiVersion?: unknown; kind?: unknown }): boolean {
  return `${String(object.apiVersion)} ${String(object.kind)}` in MODELS;
}

/** The problem kubernetes-models reports for `object`, or an empty list. */
export function validateCoreObject(object: { apiVersion?: unknown; kind?: unknown }): string[] {
  const Model = MODELS[`${String(object.apiVersion)} ${String(object.kind)}`];
  if (!Model) throw new Error(`${String(object.apiVersion)} ${String(object.kind)} is not a core kind validated here`);
  try {
    new Model(object as never).validate();
    return [];
  } catch (err) {
    return [(err as Error).message];
  }
}
