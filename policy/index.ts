/**
 * The policy pack: `pulumi preview --policy-pack policy` (and `pulumi up`).
 * Constructing the PolicyPack starts the analyzer server the Pulumi engine
 * talks to, so this module does that and nothing else; the policies live in
 * policies.ts and rules/.
 */
import { PolicyPack } from '@pulumi/policy';
import { POLICIES, POLICY_PACK_NAME } from './policies.js';

new PolicyPack(POLICY_PACK_NAME, { policies: POLICIES });
