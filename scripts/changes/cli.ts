/** What `plan`, `drift` and `adopt` share on the command line: options, formats, exit codes. */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { REPORT_FORMATS, type ReportFormat } from '../../platform/changes/index.js';

/** Options every command takes. */
export const COMMON_OPTIONS = {
  stack: { type: 'string', multiple: true, short: 's' },
  format: { type: 'string', short: 'f' },
  dir: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

/** Thrown for a bad command line; the entry point prints it with the usage and exits 1. */
export class UsageError extends Error {
  readonly code = 'USAGE';
  readonly canRetry = false;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Parses `argv` with the common options and `extra`. */
export function parseCommandLine<O extends ParseArgsConfig['options']>(argv: readonly string[], extra: O) {
  try {
    return parseArgs({ args: [...argv], options: { ...COMMON_OPTIONS, ...extra }, allowPositionals: false, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * Parses `argv` with the common options and `extra` and runs `command` with the result:
 * `--help` prints `usage` (exit 0); a bad command line is printed with `usage`, any other
 * error by its message (exit 1), so every command fails the same way.
 */
export async function runCommand<O extends ParseArgsConfig['options']>(
  argv: readonly string[],
  extra: O,
  usage: string,
  command: (args: ReturnType<typeof parseCommandLine<O>>) => Promise<number>,
): Promise<number> {
  try {
    const args = parseCommandLine(argv, extra);
    // A common option, which the generic `extra` hides from the type of `values`.
    if ((args.values as { help?: boolean }).help) {
      console.log(usage);
      return 0;
    }
    return await command(args);
  } catch (error) {
    if (error instanceof UsageError) console.error(`${error.message}\n${usage}`);
    else console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}

export function reportFormat(value: string | undefined): ReportFormat {
  const format = (value ?? 'text') as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) throw new UsageError(`--format ${value} is not one of ${REPORT_FORMATS.join(', ')}`);
  return format;
}

/** The folder with the stack files. @default the working directory */
export function stackDir(value: string | undefined): string {
  return resolve(value ?? process.cwd());
}

/** Runs `main` when `moduleUrl` is the script node was started with, and sets the exit code. */
export function runWhenMain(moduleUrl: string, main: (argv: readonly string[]) => Promise<number>): void {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(resolve(process.argv[1])).href) return;
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    },
  );
}
