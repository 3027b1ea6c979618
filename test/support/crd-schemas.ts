/**
 * Validation of custom resources against the upstream CRDs in
 * `../shared/crds/` (a sibling of the repository, absent in a user's clone).
 *
 * Each object is checked with ajv against the `openAPIV3Schema` of the CRD
 * version matching its apiVersion and kind, with one addition: the API server
 * silently prunes fields a structural schema does not declare, so a misspelt
 * field would vanish without an error. Here every object schema that lists
 * `properties` is closed (`additionalProperties: false`) unless it says
 * `x-kubernetes-preserve-unknown-fields` or already describes its extra keys,
 * which turns pruning into an error. CEL rules (`x-kubernetes-validations`)
 * are not evaluated.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { recordSkippedSuite } from './skipped-suites.js';

/**
 * Where the upstream CRDs are expected: `../shared/crds` next to the
 * repository, or the folder `SHARED_CRDS_DIR` names.
 */
export const SHARED_CRDS_DIR =
  process.env.SHARED_CRDS_DIR ?? resolve(fileURLToPath(new URL('../..', import.meta.url)), '..', 'shared', 'crds');

export function sharedCrdsAvailable(dir = SHARED_CRDS_DIR): boolean {
  return existsSync(dir);
}

type Schema = Record<string, unknown>;

interface CrdVersion {
  readonly file: string;
  readonly validate: ValidateFunction;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return yamlFiles(path);
      return /\.ya?ml$/.test(entry.name) ? [path] : [];
    })
    .sort();
}

/** A copy of `schema` in which undeclared fields are errors, as described above. */
export function closeSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema as Schema)) {
    // `properties` and `additionalProperties` hold schemas by field name; every other key is a keyword.
    out[key] =
      key === 'properties' ? Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, closeSchema(v)])) : closeSchema(value);
  }
  if (out.properties && out.additionalProperties === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

/** The object metadata every custom resource may carry (the API server validates it as ObjectMeta). */
const METADATA_SCHEMA = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string' },
    namespace: { type: 'string' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
  },
  additionalProperties: false,
};

/**
 * CRD patterns are Go regular expressions; the one construct JavaScript lacks
 * that the CRDs use is an inline flag group such as `(?i)` (as in
 * `^(?i)(abort|warn)?$`). It is removed and its flags applied to the whole
 * pattern, which is what these patterns mean.
 */
function goRegExp(pattern: string, flags: string): RegExp {
  let extra = '';
  const stripped = pattern.replace(/\(\?([ims]+)\)/g, (_group, inline: string) => {
    for (const flag of inline) if (!flags.includes(flag) && !extra.includes(flag)) extra += flag;
    return '';
  });
  return new RegExp(stripped, flags + extra);
}
goRegExp.code = 'goRegExp';

function newAjv(): Ajv {
  // strict: false lets ajv ignore Kubernetes' x-kubernetes-* keywords.
  const ajv = new Ajv({ strict: false, allErrors: true, code: { regExp: goRegExp } });
  // ajv-formats is CommonJS: under Node's ESM loader its plugin function is the namespace's `default`.
  (ajvFormats.default as unknown as (instance: Ajv) => Ajv)(ajv);
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) <= 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  // Kubernetes' `duration` is Go's time.Duration syntax, not ISO 8601.
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
  return ajv;
}

function describeError(error: ErrorObject): string {
  const at = error.instancePath || '/';
  if (error.keyword === 'additionalProperties') {
    return `${at}: unknown field "${String(error.params.additionalProperty)}" (the API server would prune it)`;
  }
  if (error.keyword === 'enum') return `${at}: ${error.message}: ${JSON.stringify(error.params.allowedValues)}`;
  return `${at}: ${error.message}`;
}

/** Validators of every CRD version under a folder, by `apiVersion` and `kind`. */
export class CrdSchemas {
  private readonly versions = new Map<string, CrdVersion>();

  constructor(readonly dir: string = SHARED_CRDS_DIR) {
    const ajv = newAjv();
    for (const file of yamlFiles(dir)) {
      for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
        const crd = doc.toJS() as { kind?: string; spec?: CrdSpec } | null;
        if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
        for (const version of crd.spec.versions) {
          const schema = closeSchema(version.schema.openAPIV3Schema) as Schema;
          const properties = { ...(schema.properties as Schema), metadata: METADATA_SCHEMA };
          const validate = ajv.compile({ ...schema, properties, required: ['apiVersion', 'kind', 'metadata'] });
          this.versions.set(key(`${crd.spec.group}/${version.name}`, crd.spec.names.kind), { file, validate });
        }
      }
    }
  }

  /** `apiVersion kind` pairs this folder has a schema for. */
  get known(): string[] {
    return [...this.versions.keys()].sort();
  }

  has(apiVersion: string, kind: string): boolean {
    return this.versions.has(key(apiVersion, kind));
  }

  /** Every problem of `object` against its CRD (empty when valid); throws when no CRD defines it. */
  validate(object: { apiVersion?: unknown; kind?: unknown }): string[] {
    const crd = this.versions.get(key(String(object.apiVersion), String(object.kind)));
    if (!crd) throw new Error(`no CRD under ${this.dir} defines ${String(object.apiVersion)} ${String(object.kind)}`);
    return crd.validate(object) ? [] : (crd.validate.errors ?? []).map(describeError);
  }
}

interface CrdSpec {
  group: string;
  names: { kind: string };
  versions: { name: string; schema: { openAPIV3Schema: unknown } }[];
}

function key(apiVersion: string, kind: string): string {
  return `${apiVersion} ${kind}`;
}

/**
 * `describe` when the shared CRDs are present; otherwise a skipped suite and
 * one line saying why (a user's clone has no `../shared`).
 */
export function describeWithCrds(name: string, fn: (schemas: () => CrdSchemas) => void): void {
  if (!sharedCrdsAvailable()) {
    recordSkippedSuite(name, `need the upstream CRDs at ${SHARED_CRDS_DIR} (../shared beside the checkout)`);
    describe.skip(name, () => fn(() => undefined as never));
    return;
  }
  let schemas: CrdSchemas | undefined;
  describe(name, () => fn(() => (schemas ??= new CrdSchemas())));
}
