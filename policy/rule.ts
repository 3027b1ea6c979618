/**
 * A rule of the platform: what it checks, written once, and in which stacks
 * it applies. `enforcement.ts` turns each rule into Pulumi policies with the
 * right enforcement level; the rules themselves know nothing of enforcement.
 */
import type { ReportViolation, ResourceValidationArgs, StackValidationArgs } from '@pulumi/policy';

/** `every-stack`: mandatory in production, advisory elsewhere; `production`: a production requirement only. */
export type RuleScope = 'every-stack' | 'production';

interface RuleBase {
  /** Policy name, unique in the pack (lower-case, hyphens). */
  readonly name: string;
  /** One sentence: what must hold. */
  readonly description: string;
  /** What to change when it does not. */
  readonly remediation: string;
  readonly scope: RuleScope;
}

/** A rule judged one resource at a time. */
export interface ResourceRule extends RuleBase {
  readonly validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => void;
}

/** A rule judged over every resource of the stack (relations between resources). */
export interface StackRule extends RuleBase {
  readonly validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => void;
}

export type Rule = ResourceRule | StackRule;

export function isStackRule(rule: Rule): rule is StackRule {
  return 'validateStack' in rule;
}
