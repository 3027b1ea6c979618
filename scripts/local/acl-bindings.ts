/**
 * The spec's ACLs as Kafka ACL bindings: one binding per user, resource and
 * operation, allow only, any host. `*` as a literal name is Kafka's wildcard.
 */
import {
  AclOperations,
  AclPermissionTypes,
  ResourcePatternTypes,
  ResourceTypes,
  type Acl,
  type AclOperationValue,
  type Admin,
  type ResourcePatternTypeValue,
  type ResourceTypeValue,
} from '@platformatic/kafka';
import type { AclOperation, AclPatternType, AclResourceType, PlatformSpec, UserSpec } from '../../platform/index.js';

export const ACL_OPERATION: Record<AclOperation, AclOperationValue> = {
  Read: AclOperations.READ,
  Write: AclOperations.WRITE,
  Describe: AclOperations.DESCRIBE,
  DescribeConfigs: AclOperations.DESCRIBE_CONFIGS,
};

export const ACL_RESOURCE: Record<AclResourceType, ResourceTypeValue> = {
  topic: ResourceTypes.TOPIC,
  group: ResourceTypes.GROUP,
};

export const ACL_PATTERN: Record<AclPatternType, ResourcePatternTypeValue> = {
  literal: ResourcePatternTypes.LITERAL,
  prefixed: ResourcePatternTypes.PREFIXED,
};

/** The principal Kafka's SCRAM authenticator gives a user. */
export function principal(user: string): string {
  return `User:${user}`;
}

/** The bindings of one user, in the order of its spec ACLs. */
export function aclBindings(user: Pick<UserSpec, 'name' | 'acls'>): Acl[] {
  return user.acls.flatMap((acl) =>
    acl.operations.map((operation) => ({
      resourceType: ACL_RESOURCE[acl.resourceType],
      resourceName: acl.name,
      resourcePatternType: ACL_PATTERN[acl.patternType],
      principal: principal(user.name),
      host: '*',
      operation: ACL_OPERATION[operation],
      permissionType: AclPermissionTypes.ALLOW,
    })),
  );
}

/** Creates every user's bindings; returns how many. The admin has none: it is a superuser. */
export async function createAcls(admin: Admin, spec: PlatformSpec): Promise<number> {
  const creations = spec.users.flatMap(aclBindings);
  if (creations.length > 0) await admin.createAcls({ creations });
  return creations.length;
}
