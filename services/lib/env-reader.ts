/**
 * Reads typed values from an environment and collects every problem, so a
 * service that is misconfigured says everything that is wrong in one error
 * (`ServiceConfigError`) instead of failing on the first variable.
 */
import { ServiceConfigError } from './errors.js';

/** The environment shape services read (`process.env` fits). */
export type Env = Readonly<Record<string, string | undefined>>;

interface ReadOptions<T> {
  /** Used when the variable is unset or empty. Without it, the variable is required. */
  readonly default?: T;
}

export class EnvReader {
  private readonly found: string[] = [];

  constructor(private readonly env: Env) {}

  /** Problems found so far, one line each: `NAME: what is wrong; what to do`. */
  get problems(): readonly string[] {
    return this.found;
  }

  /** Records a problem found by the caller (e.g. a combination of variables). */
  problem(name: string, message: string): void {
    this.found.push(`${name}: ${message}`);
  }

  private raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === '' ? undefined : value;
  }

  private missing<T>(name: string, options: ReadOptions<T>, hint: string): T | undefined {
    if ('default' in options) return options.default;
    this.problem(name, `is not set; ${hint}`);
    return undefined;
  }

  /** A string; `hint` says what to set when it is required and missing. */
  string(name: string, options: ReadOptions<string> & { hint?: string } = {}): string | undefined {
    return this.raw(name) ?? this.missing(name, options, options.hint ?? 'set it');
  }

  /**
   * A secret: same as `string`, but the value never appears in a problem, and
   * it is taken byte for byte, so one with a line break or space at either end
   * is refused loudly instead of being trimmed or used: such a value is almost
   * always a Secret made with `kubectl create secret --from-file` from a file
   * that ends with a newline, and used as is it fails later and obscurely (a
   * SASL authentication failure, tokens that never verify). Trimming would
   * hide the mistake from the other users of the same Secret.
   */
  secret(name: string, options: { hint?: string; optional?: boolean } = {}): string | undefined {
    const value = this.env[name];
    if (value !== undefined && value !== '') {
      const edge = /^\s|\s$/.exec(value)
        ? /[\r\n]$/.test(value)
          ? 'ends with a line break'
          : 'starts or ends with whitespace'
        : undefined;
      if (edge === undefined) return value;
      this.problem(
        name,
        `${edge} (${value.length} characters; the value is not shown). A Secret created with kubectl create secret --from-file keeps the file's last newline: recreate it from a file without one (printf '%s' "$VALUE" > file) or with --from-literal`,
      );
      return undefined;
    }
    if (!options.optional) this.problem(name, `is not set; ${options.hint ?? 'set it from its Secret'}`);
    return undefined;
  }

  /** An integer within `[min, max]`. */
  integer(name: string, options: ReadOptions<number> & { min?: number; max?: number } = {}): number | undefined {
    const text = this.raw(name);
    if (text === undefined) return this.missing(name, options, 'set it to a whole number');
    const value = Number(text);
    const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
    if (!/^-?\d+$/.test(text) || value < min || value > max) {
      this.problem(name, `${JSON.stringify(text)} is not a whole number from ${min} to ${max}; set it to one`);
      return undefined;
    }
    return value;
  }

  /** One of `allowed` (exact spelling). */
  oneOf<T extends string>(name: string, allowed: readonly T[], options: ReadOptions<T> = {}): T | undefined {
    const text = this.raw(name);
    if (text === undefined) return this.missing(name, options, `set it to one of ${allowed.join(', ')}`);
    if (!(allowed as readonly string[]).includes(text)) {
      const near = allowed.find((a) => a.toLowerCase() === text.toLowerCase());
      const fix = near ? `did you mean ${near}?` : `set it to one of ${allowed.join(', ')}`;
      this.problem(name, `${JSON.stringify(text)} is not allowed; ${fix}`);
      return undefined;
    }
    return text as T;
  }

  /** A comma-separated list (items trimmed, empties dropped). */
  list(name: string, options: ReadOptions<readonly string[]> & { hint?: string } = {}): readonly string[] | undefined {
    const text = this.raw(name);
    if (text === undefined) return this.missing(name, options, options.hint ?? 'set it to a comma-separated list');
    const items = text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    if (items.length === 0) return this.missing(name, options, options.hint ?? 'set it to a comma-separated list');
    return items;
  }

  /** An absolute URL with one of `protocols` (e.g. `['http:', 'https:']`). */
  url(name: string, options: ReadOptions<string> & { protocols?: readonly string[]; hint?: string } = {}): string | undefined {
    const text = this.raw(name);
    const protocols = options.protocols ?? ['http:', 'https:'];
    if (text === undefined) return this.missing(name, options, options.hint ?? `set it to a ${protocols.join('//… or ')}//… URL`);
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      this.problem(name, `is not a URL; set it to a ${protocols.join('//… or ')}//… URL`);
      return undefined;
    }
    if (!protocols.includes(url.protocol)) {
      this.problem(name, `has protocol ${url.protocol}; use ${protocols.join(' or ')}`);
      return undefined;
    }
    return text;
  }

  /** Throws one `ServiceConfigError` listing every problem, if there is any. */
  throwIfInvalid(service: string): void {
    if (this.found.length > 0) throw new ServiceConfigError(service, this.found);
  }
}
