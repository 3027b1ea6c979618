import { stringify } from 'yaml';

/** `yaml`'s options for every document: long strings are never folded, so output is byte-stable. */
const YAML_OPTIONS = { lineWidth: 0 } as const;

/**
 * Objects as a multi-document YAML stream, the `*.k8s.yaml` format of
 * `cdk8s synth`. Keys keep their insertion order, which cdk8s makes
 * deterministic, and long strings are never folded, so output is byte-stable.
 *
 * The output is exactly `yaml`'s `stringify(object, { lineWidth: 0 })` per
 * document, written by a small emitter for the plain JSON data manifests are
 * (`emitDocument`): the library builds a node tree of every value first,
 * which cost 5.8 s of a 10,000-topic synthesis. Anything the emitter does not
 * decide itself goes to `yaml`: how to quote a one-line string that cannot be
 * plain (asked once per distinct string), a multi-line string or an unusual
 * key as its whole key-value pair or item, and a document holding anything
 * but plain data (shared objects, which `yaml` writes as anchors; `undefined`
 * in a list; class instances) whole.
 */
export function toYamlDocuments(objects: readonly unknown[]): string {
  return objects.map(toYamlDocument).join('---\n');
}

/** One document, as `stringify(object, { lineWidth: 0 })` writes it. */
export function toYamlDocument(object: unknown): string {
  try {
    return emitDocument(object);
  } catch (error) {
    if (error !== NOT_PLAIN) throw error;
    return stringify(object, YAML_OPTIONS);
  }
}

/** Thrown inside the emitter for a value it leaves to `yaml` (whole document). */
const NOT_PLAIN = Symbol('not plain data');

/**
 * Strings `yaml` writes as plain scalars, conservatively: starts with a
 * letter, `_` or `/`, then letters, digits and `_./=+()-`, single spaces
 * between words. Such a string can never read as another type, start with an
 * indicator, or hold `: ` or ` #`; the few words of YAML 1.2's core schema
 * (`null`, `true`, `false` in their spellings) are excluded apart.
 */
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./=+()-]*(?: [A-Za-z0-9_./=+()-]+)*$/;
const CORE_WORDS = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE']);

function isPlain(value: string): boolean {
  return PLAIN.test(value) && !CORE_WORDS.has(value);
}

/**
 * How `yaml` writes strings that are not plain but fit on one line (`"8080"`,
 * `"25%"`-like quoting decisions are the library's own), asked once per
 * distinct string; undefined for a string it writes over several lines.
 */
const quoted = new Map<string, string | undefined>();
/** Bound on `quoted`, so one process synthesizing many specs does not grow it forever. */
const QUOTED_MAX = 100_000;

function oneLine(value: string): string | undefined {
  if (quoted.has(value)) return quoted.get(value);
  const text = stringify(value, YAML_OPTIONS);
  const inline = text.indexOf('\n') === text.length - 1 ? text.slice(0, -1) : undefined;
  if (quoted.size >= QUOTED_MAX) quoted.clear();
  quoted.set(value, inline);
  return inline;
}

/** A scalar as `yaml` writes it inline, or undefined when `yaml` must write it (see `isPlain`). */
function scalar(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return isPlain(value) ? value : value.includes('\n') ? undefined : oneLine(value);
    case 'number':
      // yaml writes integers and ordinary decimals as JavaScript prints them; it spells the rest its own way.
      return Number.isFinite(value) && !Object.is(value, -0) && !/e/i.test(String(value)) ? String(value) : undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return value === null ? 'null' : undefined;
  }
}

/** Whether `value` is a plain object (JSON's kind), not a class instance, Map, Date or the like. */
function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** `yaml`'s text for a fragment, indented by `indent` spaces (empty lines stay empty, as `yaml` writes them). */
function delegated(fragment: unknown, indent: string): string {
  const text = stringify(fragment, YAML_OPTIONS);
  if (indent === '') return text;
  return text.replace(/^(?=.)/gm, indent);
}

class Emitter {
  private out = '';
  private readonly seen = new Set<object>();

  document(value: unknown): string {
    if (value === null || typeof value !== 'object') {
      const inline = scalar(value);
      if (inline === undefined) throw NOT_PLAIN;
      return `${inline}\n`;
    }
    if (this.isEmpty(value)) return Array.isArray(value) ? '[]\n' : '{}\n';
    if (Array.isArray(value)) this.sequence(value, '');
    else this.mapping(value as Record<string, unknown>, '');
    return this.out;
  }

  private enter(value: object): void {
    // A shared object is an anchor and aliases in `yaml`'s output: leave the document to it.
    if (this.seen.has(value)) throw NOT_PLAIN;
    this.seen.add(value);
  }

  private isEmpty(value: object): boolean {
    if (Array.isArray(value)) return value.length === 0;
    if (!isPlainObject(value)) throw NOT_PLAIN;
    for (const key in value) if (value[key] !== undefined) return false;
    return true;
  }

  /**
   * Entries of a non-empty mapping at `indent`; the first one starts with
   * `first` instead (`- ` of the sequence item holding it, same width).
   */
  private mapping(map: Record<string, unknown>, indent: string, first = indent): void {
    this.enter(map);
    let prefix = first;
    for (const key of Object.keys(map)) {
      const value = map[key];
      // yaml leaves out keys whose value is undefined.
      if (value === undefined) continue;
      if (!isPlain(key) || !this.value(value, `${prefix}${key}:`, indent, false)) {
        this.out += prefix + delegated({ [key]: value }, indent).slice(indent.length);
      }
      prefix = indent;
    }
  }

  /** Items of a non-empty sequence at `indent`; the first one starts with `first` instead. */
  private sequence(items: readonly unknown[], indent: string, first = indent): void {
    this.enter(items);
    let prefix = first;
    for (const item of items) {
      if (item === undefined) throw NOT_PLAIN;
      if (!this.value(item, `${prefix}-`, indent, true)) this.out += prefix + delegated([item], indent).slice(indent.length);
      prefix = indent;
    }
  }

  /**
   * Writes `value` after `lead` (`key:` or `-`, already indented): a scalar
   * on the same line, an empty collection as `{}`/`[]`, a mapping or sequence
   * on the next lines, indented by two (a mapping or sequence in a sequence
   * item starts on the item's line, as `yaml` writes it). Returns false,
   * having written nothing, for a scalar `yaml` must write.
   */
  private value(value: unknown, lead: string, indent: string, inSequence: boolean): boolean {
    if (value === null || typeof value !== 'object') {
      const inline = scalar(value);
      if (inline === undefined) return false;
      this.out += `${lead} ${inline}\n`;
      return true;
    }
    if (this.isEmpty(value)) {
      this.out += `${lead} ${Array.isArray(value) ? '[]' : '{}'}\n`;
      return true;
    }
    const child = `${indent}  `;
    const first = inSequence ? `${lead} ` : child;
    if (!inSequence) this.out += `${lead}\n`;
    if (Array.isArray(value)) this.sequence(value, child, first);
    else this.mapping(value as Record<string, unknown>, child, first);
    return true;
  }
}

/** One document, written by the emitter; throws `NOT_PLAIN` for what it leaves to `yaml`. */
function emitDocument(value: unknown): string {
  return new Emitter().document(value);
}
