/**
 * The pack's policies, importable without starting anything: tests call their
 * `validateResource`/`validateStack`; index.ts alone constructs the PolicyPack
 * (which starts the analyzer's gRPC server).
 */
import { tieredPolicies } from './enforcement.js';
import { RULES } from './rules/index.js';

/** Name of the pack, as `pulumi preview --policy-pack policy` reports it. */
export const POLICY_PACK_NAME = 'todo-events-platform';

export const POLICIES = tieredPolicies(RULES);
