/**
 * What the policy engine would hand the pack, built from our own output: the
 * synthesized objects of a stack as the ConfigGroups' children (protected
 * where the apply plan protects their chart), or everything the Pulumi
 * program registered under mocks, with each ConfigGroup expanded into its
 * objects as a real engine registers them. Secrets arrive unwrapped, as the
 * engine passes them to validations.
 */
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from '@pulumi/policy';
import { synthesizeManifests } from '../../charts/index.js';
import { applyPlan } from '../../infra/apply-plan.js';
import { PROJECT, type PlatformSpec } from '../../platform/index.js';
import { kubernetesType } from '../../policy/kubernetes.js';
import { POLICIES } from '../../policy/policies.js';
import { unwrapSecrets, type ProgramRun } from '../infra/harness.js';

/** One resource as a policy sees it. */
export interface AnalyzedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly props: Record<string, unknown>;
  readonly protect: boolean;
}

export function urnOf(stack: string, type: string, name: string): string {
  return `urn:pulumi:${stack}::${PROJECT}::${type}::${name}`;
}

function objectName(obj: Record<string, unknown>): string {
  const metadata = obj.metadata as { name?: string; namespace?: string };
  return `${metadata.namespace ? `${metadata.namespace}/` : ''}${metadata.name}`;
}

/** One synthesized object as a ConfigGroup child of `stack`. */
export function objectResource(stack: string, obj: Record<string, unknown>, protect = false): AnalyzedResource {
  const type = kubernetesType(obj as { apiVersion: string; kind: string });
  const name = objectName(obj);
  return { urn: urnOf(stack, `kubernetes:yaml/v2:ConfigGroup$${type}`, name), type, name, props: structuredClone(obj), protect };
}

/** Every synthesized object of a spec, protected as the program protects its chart. */
export function manifestResources(spec: PlatformSpec, stack = spec.stack): AnalyzedResource[] {
  const charts = synthesizeManifests(spec);
  const protect = new Map(
    applyPlan(
      spec,
      charts.map((c) => c.chart),
    ).map((s) => [s.chart, s.protect]),
  );
  return charts.flatMap((c) => c.objects.map((o) => objectResource(stack, o, protect.get(c.chart) ?? false)));
}

/** Everything a program run registered, ConfigGroups expanded into their objects. */
export function programResources(run: ProgramRun, stack: string): AnalyzedResource[] {
  return run.resources
    .filter((r) => !r.read)
    .flatMap((r) => {
      const props = unwrapSecrets(r.inputs) as Record<string, unknown>;
      if (r.type === 'kubernetes:yaml/v2:ConfigGroup') {
        return (props.objs as Record<string, unknown>[]).map((o) => objectResource(stack, o, r.protect));
      }
      return [{ urn: r.urn, type: r.type, name: r.name, props, protect: r.protect }];
    });
}

/** The first resource of `type` named `name` (fails loudly otherwise). */
export function find(resources: readonly AnalyzedResource[], type: string, name: string): AnalyzedResource {
  const found = resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} ${name} among ${resources.map((r) => `${r.type} ${r.name}`).join(', ')}`);
  return found;
}

/** Props as a test edits them: any path, any value (they are our own objects, cloned). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EditableProps = Record<string, any>;

/** A copy of `resource` with `change` applied to a clone of its props (or options). */
export function altered(resource: AnalyzedResource, change: (props: EditableProps) => void, protect = resource.protect): AnalyzedResource {
  const props = structuredClone(resource.props);
  change(props);
  return { ...resource, props, protect };
}

function resourceArgs(r: AnalyzedResource): ResourceValidationArgs {
  return {
    type: r.type,
    props: r.props,
    urn: r.urn,
    name: r.name,
    opts: {
      protect: r.protect,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
    },
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: (reason?: string) => {
      throw new Error(`not applicable: ${reason}`);
    },
  };
}

function policy<T extends ResourceValidationPolicy | StackValidationPolicy>(name: string): T {
  const found = POLICIES.find((p) => p.name === name);
  if (!found) throw new Error(`no policy ${name} among ${POLICIES.map((p) => p.name).join(', ')}`);
  return found as T;
}

/** The violations policy `name` reports for each resource, by resource name (only those with any). */
export function resourceViolations(name: string, resources: readonly AnalyzedResource[]): Record<string, string[]> {
  const validate = policy<ResourceValidationPolicy>(name).validateResource;
  const validations = Array.isArray(validate) ? validate : validate ? [validate] : [];
  const out: Record<string, string[]> = {};
  for (const r of resources) {
    const messages: string[] = [];
    const report: ReportViolation = (message) => void messages.push(message);
    for (const v of validations) void v(resourceArgs(r), report);
    if (messages.length > 0) out[`${r.type} ${r.name}`] = messages;
  }
  return out;
}

/** The violations stack policy `name` reports over `resources`, as `message (urn)` lines. */
export function stackViolations(name: string, resources: readonly AnalyzedResource[]): string[] {
  const args: StackValidationArgs = {
    resources: resources.map(
      (r) =>
        ({
          type: r.type,
          props: r.props,
          urn: r.urn,
          name: r.name,
          opts: resourceArgs(r).opts,
          dependencies: [],
          propertyDependencies: {},
          isType: () => false,
          asType: () => undefined,
        }) as unknown as PolicyResource,
    ),
    stackTags: new Map(),
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: (reason?: string) => {
      throw new Error(`not applicable: ${reason}`);
    },
  };
  const messages: string[] = [];
  void policy<StackValidationPolicy>(name).validateStack(args, (message, urn) => void messages.push(urn ? `${message} (${urn})` : message));
  return messages;
}
