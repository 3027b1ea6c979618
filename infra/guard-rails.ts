/**
 * The guard rails (platform/changes/guard-rails.ts) in the program: before
 * any resource is registered, the spec is compared with the one this stack
 * last deployed, and a refused change stops `pulumi preview` and `pulumi up`
 * with the same text `npm run plan` prints.
 *
 * What was deployed is the resolved spec itself, kept as the stack output
 * `platformSpec` and read back through a StackReference of this very stack
 * (its outputs are those of the last successful update). It is the resolved
 * spec, not the stack file: defaults live in code, and only the resolved spec
 * says what the code of that update made of them. A stack whose last update
 * predates this output (or a first deploy) has nothing to compare with: only
 * the rails on the new spec alone run, and this update records it.
 */
import * as pulumi from '@pulumi/pulumi';
import type { PlatformSpec } from '../platform/index.js';
import { checkGuardRails, ChangeRefusedError, formatFindings, type PreviousState, type RailReport } from '../platform/changes/index.js';

/** Name of the stack output holding the deployed spec. */
export const DEPLOYED_SPEC_OUTPUT = 'platformSpec';

/** Resource name of the StackReference the program reads its own last outputs with. */
export const DEPLOYED_SPEC_REFERENCE = 'deployed-platform-spec';

function isPreviousState(value: unknown): value is PreviousState {
  return typeof value === 'object' && value !== null && Array.isArray((value as { topics?: unknown }).topics);
}

/**
 * The spec this stack last deployed (its `platformSpec` output), or undefined
 * when it has none yet.
 */
export async function readDeployedSpec(): Promise<PreviousState | undefined> {
  const self = new pulumi.StackReference(DEPLOYED_SPEC_REFERENCE, {
    name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`,
  });
  const details = await self.getOutputDetails(DEPLOYED_SPEC_OUTPUT);
  const value: unknown = details.value ?? details.secretValue;
  return isPreviousState(value) ? value : undefined;
}

/**
 * Runs the guard rails from `previous` to `spec`: throws ChangeRefusedError
 * (nothing is registered after it) when one refuses; logs warnings and
 * acknowledged changes so they show in the preview.
 */
export function enforceGuardRails(spec: PlatformSpec, previous: PreviousState | undefined): RailReport {
  const report = checkGuardRails(previous, spec);
  const source = `stack ${spec.stack}`;
  if (report.refused.length > 0) throw new ChangeRefusedError(source, report.refused);
  if (report.warnings.length > 0) pulumi.log.warn(formatFindings(source, report.warnings, 'warning'));
  if (report.acknowledged.length > 0) pulumi.log.info(formatFindings(source, report.acknowledged, 'acknowledged'));
  return report;
}

/** The stack output the next update compares with: the resolved spec, plain data without secrets. */
export function deployedSpecOutput(spec: PlatformSpec): PlatformSpec {
  return spec;
}
