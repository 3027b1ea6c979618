/** Command-line options of `local:up`. */
import { LocalEnvError } from './errors.js';

export interface UpOptions {
  /** Stack whose spec provides topics, users and ACLs. @default 'dev' */
  readonly stack: string;
}

export const UP_USAGE = 'usage: npm run local:up [-- --stack <name>]   (default stack: dev)';

export function parseUpArgs(argv: readonly string[]): UpOptions {
  let stack = 'dev';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--stack' && argv[i + 1] !== undefined) stack = argv[++i]!;
    else if (arg.startsWith('--stack=')) stack = arg.slice('--stack='.length);
    else throw new LocalEnvError('LOCAL_USAGE', `unknown argument ${JSON.stringify(arg)}\n${UP_USAGE}`);
  }
  return { stack };
}
