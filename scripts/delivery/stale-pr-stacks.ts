/**
 * `npm run pr-stacks:stale -- --stacks <pulumi stack ls --json> --open <gh pr list --json number>`:
 * prints, one per line, the ephemeral `pr-<number>` stacks to destroy: those whose pull request
 * is no longer open with the `preview-stack` label, and those not updated for `--max-age-days`
 * (default 7). Other stacks (dev, staging, prod, anyone's own) are never named.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** What `pulumi stack ls --json` says of a stack (the fields used here). */
export interface StackListing {
  readonly name: string;
  /** ISO time of the last update; absent for a stack never updated. */
  readonly lastUpdate?: string;
  readonly updateInProgress?: boolean;
}

/** `pr-<number>`, also as `org/project/pr-<number>`; undefined for any other stack. */
export function pullRequestOf(stack: string): number | undefined {
  const match = /(?:^|\/)pr-(\d+)$/.exec(stack);
  return match ? Number(match[1]) : undefined;
}

/** The PR stacks to destroy, sorted; a stack being updated right now is left for the next run. */
export function staleStacks(stacks: readonly StackListing[], openPullRequests: readonly number[], now: Date, maxAgeDays: number): string[] {
  const open = new Set(openPullRequests);
  const oldest = now.getTime() - maxAgeDays * 24 * 3600 * 1000;
  return stacks
    .filter((s) => {
      const pr = pullRequestOf(s.name);
      if (pr === undefined || s.updateInProgress) return false;
      const updated = s.lastUpdate ? Date.parse(s.lastUpdate) : Number.NaN;
      return !open.has(pr) || (Number.isFinite(updated) && updated < oldest);
    })
    .map((s) => s.name)
    .sort();
}

function main(argv: readonly string[]): number {
  const { values } = parseArgs({
    args: [...argv],
    options: { stacks: { type: 'string' }, open: { type: 'string' }, 'max-age-days': { type: 'string', default: '7' } },
  });
  const maxAge = Number(values['max-age-days']);
  if (!values.stacks || !values.open || !Number.isFinite(maxAge) || maxAge <= 0) {
    console.error('usage: npm run --silent pr-stacks:stale -- --stacks <stacks.json> --open <open-prs.json> [--max-age-days 7]');
    return 2;
  }
  const stacks = JSON.parse(readFileSync(values.stacks, 'utf8')) as StackListing[];
  const open = (JSON.parse(readFileSync(values.open, 'utf8')) as { number: number }[]).map((p) => p.number);
  for (const stack of staleStacks(stacks, open, new Date(), maxAge)) console.log(stack);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
