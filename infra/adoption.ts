/**
 * Adoption in the program: the record `npm run adopt -- --write` puts under
 * `todo-events:adopt` (platform/changes/adoption.ts) makes ExternalKafka
 * register the topics and ACL bindings that already exist with Pulumi's
 * `import` resource option, so the first `pulumi up` takes them over instead
 * of failing with "already exists" (or, for a topic, recreating it). The
 * import ids are @pulumi/kafka's: a topic's name, and an ACL's
 * `principal|host|operation|permission|resourceType|resourceName|patternType`.
 *
 * The SCRAM credentials need no import: creating one writes it whether the
 * user exists or not, so an existing user gets the stack's generated password.
 */
import * as pulumi from '@pulumi/pulumi';
import type * as kafka from '@pulumi/kafka';
import { PlatformConfigError, type PlatformSpec } from '../platform/index.js';
import { ADOPT_CONFIG_KEY, adoptionRecordProblems, type AdoptionRecord } from '../platform/changes/index.js';

/** The adoption record of the stack, or undefined when it has none. Throws PlatformConfigError when it is malformed. */
export function readAdoption(spec: PlatformSpec, config = new pulumi.Config()): AdoptionRecord | undefined {
  const raw = config.getObject<unknown>(ADOPT_CONFIG_KEY);
  if (raw === undefined) return undefined;
  const problems = adoptionRecordProblems(raw);
  if (spec.cluster.flavor !== 'external') {
    problems.push({
      path: ADOPT_CONFIG_KEY,
      message: `is set, but stack ${spec.stack}'s cluster is ${spec.cluster.flavor}, whose topics and users are the operator's objects`,
      fix: `remove ${config.name}:${ADOPT_CONFIG_KEY}; adoption applies to external clusters only`,
    });
  }
  if (problems.length > 0) throw new PlatformConfigError(`stack ${spec.stack} (${config.name}:${ADOPT_CONFIG_KEY})`, problems);
  return raw as AdoptionRecord;
}

/** @pulumi/kafka's import id of an ACL binding (`pulumi import kafka:index/acl:Acl <name> '<id>'`). */
export function aclImportId(args: kafka.AclArgs): string {
  return [
    args.aclPrincipal,
    args.aclHost,
    args.aclOperation,
    args.aclPermissionType,
    args.aclResourceType,
    args.aclResourceName,
    args.resourcePatternTypeFilter,
  ].join('|');
}

/** The `import` option of a topic: its name, when the record adopts it. */
export function topicImport(record: AdoptionRecord | undefined, topic: string): pulumi.CustomResourceOptions {
  return record?.topics[topic] ? { import: topic } : {};
}

/** The `import` option of an ACL binding, when the record lists it. */
export function aclImport(record: AdoptionRecord | undefined, args: kafka.AclArgs): pulumi.CustomResourceOptions {
  const id = aclImportId(args);
  return record?.acls.includes(id) ? { import: id } : {};
}
