/**
 * Mandatory in production, advisory elsewhere. Pulumi fixes a policy's
 * enforcement level when the pack starts, before it knows the stack, so each
 * rule becomes two policies: `<rule>` (mandatory) judges resources of
 * production stacks only, `<rule>-advisory` those of every other stack. The
 * stack comes from each resource's URN (`urn:pulumi:<stack>::<project>::…`),
 * so no flag or config file can forget to make production mandatory.
 * Production-only rules (prod topics) have no advisory twin.
 */
import type { Policies, PolicyResource, ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from '@pulumi/policy';
import { isProductionStack } from '../platform/index.js';
import { isStackRule, type Rule } from './rule.js';

/** The stack of a resource URN; throws on something that is not one. */
export function stackOfUrn(urn: string): string {
  const match = /^urn:pulumi:([^:]+)::/.exec(urn);
  if (!match) throw new Error(`${JSON.stringify(urn)} is not a Pulumi resource URN`);
  return match[1]!;
}

/** Suffix of a rule's policy outside production. */
export const ADVISORY_SUFFIX = '-advisory';

type Tier = 'mandatory' | 'advisory';

function applies(tier: Tier, urn: string): boolean {
  return isProductionStack(stackOfUrn(urn)) === (tier === 'mandatory');
}

function policyOf(rule: Rule, tier: Tier): ResourceValidationPolicy | StackValidationPolicy {
  const common = {
    name: tier === 'mandatory' ? rule.name : `${rule.name}${ADVISORY_SUFFIX}`,
    description: `${rule.description} (${tier === 'mandatory' ? 'mandatory in production stacks' : 'advisory outside production'})`,
    enforcementLevel: tier,
    remediationSteps: rule.remediation,
  } as const;
  if (isStackRule(rule)) {
    return {
      ...common,
      validateStack: (args, report: ReportViolation) => {
        const first: PolicyResource | undefined = args.resources[0];
        if (first && applies(tier, first.urn)) rule.validateStack(args, report);
      },
    };
  }
  return {
    ...common,
    validateResource: (args, report: ReportViolation) => {
      if (applies(tier, args.urn)) rule.validateResource(args, report);
    },
  };
}

/** The pack's policies: each rule mandatory for production stacks, and advisory for the others unless production-only. */
export function tieredPolicies(rules: readonly Rule[]): Policies {
  return rules.flatMap((rule) =>
    rule.scope === 'production' ? [policyOf(rule, 'mandatory')] : [policyOf(rule, 'mandatory'), policyOf(rule, 'advisory')],
  );
}
