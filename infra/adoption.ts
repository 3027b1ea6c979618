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

/** Why a stack takes no adoption record, and what to do instead. */
export interface AdoptionRefusal {
  readonly reason: string;
  readonly instead: string;
}

/**
 * Why the stack's flavor takes no adoption record, and what to do instead;
 * undefined for `external`, the one flavor whose topics and ACLs are
 * @pulumi/kafka resources, which the record's ids import. `npm run adopt`
 * and the program refuse with the same words.
 */
export function adoptionRefusal(spec: Pick<PlatformSpec, 'cluster'>): AdoptionRefusal | undefined {
  const { cluster } = spec;
  if (cluster.flavor === 'external') return undefined;
  if (cluster.flavor === 'confluent-cloud') {
    const { clusterId = '<cluster id>', restEndpoint = '<REST endpoint>' } = cluster.confluent ?? {};
    // The ids are @pulumi/confluentcloud's (`<cluster id>/<topic>`); the resources are children of the
    // ConfluentCloudKafka component and its provider (confluent-cloud.ts), so an import without both gets another URN.
    return {
      reason:
        "its topics and ACLs are @pulumi/confluentcloud resources, which take no @pulumi/kafka import ids (what npm run adopt records), and its grants go to the service accounts pulumi up creates, so none on the cluster is the stack's yet",
      instead:
        `take over a topic made by hand with pulumi import confluentcloud:index/kafkaTopic:KafkaTopic kafka-<topic> ${clusterId}/<topic> ` +
        'once a first pulumi up has created the stack\'s kafka component (it stops at that topic with "already exists"), ' +
        'with --parent and --provider giving the URNs of that component and of its provider (pulumi stack --show-urns), and with ' +
        `IMPORT_KAFKA_API_KEY and IMPORT_KAFKA_API_SECRET (a Kafka API key of the cluster) and IMPORT_KAFKA_REST_ENDPOINT=${restEndpoint} set; then pulumi up`,
    };
  }
  return {
    reason: "its topics and users are the operator's KafkaTopic/Topic and KafkaUser/User objects, not Pulumi's",
    instead: 'adoption is for external clusters',
  };
}

/** The adoption record of the stack, or undefined when it has none. Throws PlatformConfigError when it is malformed. */
export function readAdoption(spec: PlatformSpec, config = new pulumi.Config()): AdoptionRecord | undefined {
  const raw = config.getObject<unknown>(ADOPT_CONFIG_KEY);
  if (raw === undefined) return undefined;
  const problems = adoptionRecordProblems(raw);
  const refusal = adoptionRefusal(spec);
  if (refusal) {
    problems.push({
      path: ADOPT_CONFIG_KEY,
      message: `is set, but stack ${spec.stack}'s cluster is ${spec.cluster.flavor}: ${refusal.reason}`,
      fix: `remove ${config.name}:${ADOPT_CONFIG_KEY}; ${refusal.instead}`,
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
