import type { AclSpec } from '../../platform/index.js';

/** How an operator spells a pattern type (Strimzi writes `prefix`, Redpanda `prefixed`). */
export type PatternTypeSpelling = Record<AclSpec['patternType'], string>;

/**
 * The `authorization.acls` rules of a Strimzi or Redpanda user: one `allow`
 * rule per spec ACL with the plural `operations` list (Strimzi's singular
 * `operation` is deprecated). Both operators share this shape; only the
 * pattern type's spelling differs.
 */
export function allowRules(acls: readonly AclSpec[], patternTypes: PatternTypeSpelling): Record<string, unknown>[] {
  return acls.map((acl) => ({
    type: 'allow',
    resource: { type: acl.resourceType, name: acl.name, patternType: patternTypes[acl.patternType] },
    operations: [...acl.operations],
  }));
}
