/**
 * The reports of `npm run plan`, `drift` and `adopt`: one per stack, in three
 * formats (terminal text, a Markdown table for a pull-request comment, JSON),
 * with one exit code: 0 nothing changes, 2 something changes, 1 refused (a
 * guard rail, or a stack that could not be compared at all).
 */
import { CHANGE_SIGN, changeText, PLAN_SIDES, type Change, type Sides } from './change.js';
import { findingText, formatFindings, type RailFinding, type Verdict } from './guard-rails.js';

export interface StackReport {
  readonly stack: string;
  /** What was compared, following the report's kind: `against 6fa4962 (the merge base of HEAD with main), resolved with its own platform/ code`. */
  readonly compared: string;
  readonly changes: readonly Change[];
  readonly findings: readonly RailFinding[];
  /** Why the stack could not be compared (an invalid stack file, an unreachable cluster): full messages. */
  readonly problems: readonly string[];
  /** Anything else a reviewer should know. */
  readonly notes: readonly string[];
}

export type ReportFormat = 'text' | 'markdown' | 'json';
export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'markdown', 'json'];

export interface ReportOptions {
  /** `plan`, `drift` or `adopt`: the JSON `kind` and the Markdown heading. */
  readonly kind: 'plan' | 'drift' | 'adopt';
  /** Names of the two sides of a change. @default PLAN_SIDES (before → after) */
  readonly sides?: Sides;
}

export type ExitCode = 0 | 1 | 2;

/** 1 when refused or not comparable, 2 when something changes (or a rail warns or was acknowledged), else 0. */
export function stackExitCode(report: StackReport): ExitCode {
  if (report.problems.length > 0 || report.findings.some((f) => f.verdict === 'refused')) return 1;
  return report.changes.length > 0 || report.findings.length > 0 ? 2 : 0;
}

/** The exit code of several stacks: refused wins over changes, changes over nothing. */
export function exitCode(reports: readonly StackReport[]): ExitCode {
  const codes = reports.map(stackExitCode);
  return codes.includes(1) ? 1 : codes.includes(2) ? 2 : 0;
}

const VERDICTS: readonly Verdict[] = ['refused', 'warning', 'acknowledged'];
const NOUN = { plan: ['change', 'changes'], drift: ['difference', 'differences'], adopt: ['change', 'changes'] } as const;
const TITLE = { plan: 'Platform plan', drift: 'Platform drift', adopt: 'Platform adoption' } as const;
const WORD = { plan: 'plan', drift: 'drift', adopt: 'adoption' } as const;

/** What every report compared, when they all compared the same (a plan's base): said once, at the top. */
function sharedComparison(reports: readonly StackReport[]): string | undefined {
  const first = reports[0]?.compared;
  return first !== undefined && reports.every((r) => r.compared === first) ? first : undefined;
}

function headline(report: StackReport, kind: ReportOptions['kind']): string {
  if (report.problems.length > 0) return 'not compared';
  const [one, many] = NOUN[kind];
  const n = report.changes.length;
  const changes = n === 0 ? `no ${many}` : n === 1 ? `1 ${one}` : `${n} ${many}`;
  const refused = report.findings.filter((f) => f.verdict === 'refused').length;
  return refused > 0 ? `${changes}, ${refused} refused` : changes;
}

/** Terminal output: a header line per stack, one line per change, then the guard rails' blocks. */
export function renderText(reports: readonly StackReport[], options: ReportOptions): string {
  const sides = options.sides ?? PLAN_SIDES;
  const shared = sharedComparison(reports);
  const out: string[] = shared === undefined ? [] : [`${WORD[options.kind]} ${shared}`];
  for (const report of reports) {
    out.push(
      `${report.stack}: ${headline(report, options.kind)}${shared === undefined ? ` (${WORD[options.kind]} ${report.compared})` : ''}`,
    );
    for (const problem of report.problems) out.push(...problem.split('\n').map((l) => `  ${l}`));
    for (const change of report.changes) out.push(`  ${CHANGE_SIGN[change.kind]} ${changeText(change, sides)}`);
    for (const verdict of VERDICTS) {
      const findings = report.findings.filter((f) => f.verdict === verdict);
      if (findings.length > 0) out.push(formatFindings(`stack ${report.stack}`, findings, verdict));
    }
    for (const note of report.notes) out.push(`  note: ${note}`);
  }
  return `${out.join('\n')}\n`;
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const cell = (text: string | null) => (text === null || text === '' ? '' : text.replace(/\|/g, '\\|').replace(/\n/g, ' '));
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

const FINDING_HEADINGS: Record<Verdict, string> = {
  refused: 'Refused by the guard rails',
  warning: 'Warnings: data will be deleted',
  acknowledged: 'Acknowledged in the stack file',
};

/** Markdown for a pull-request comment: a heading and a table per stack, then the guard rails' findings. */
export function renderMarkdown(reports: readonly StackReport[], options: ReportOptions): string {
  const sides = options.sides ?? PLAN_SIDES;
  const shared = sharedComparison(reports);
  const out: string[] = [
    `## ${TITLE[options.kind]}`,
    '',
    ...(shared === undefined ? [] : [`${capitalized(WORD[options.kind])} ${shared}.`, '']),
  ];
  for (const report of reports) {
    out.push(`### ${code(report.stack)}: ${headline(report, options.kind)}`, '');
    if (shared === undefined) out.push(`${capitalized(WORD[options.kind])} ${report.compared}.`, '');
    if (report.problems.length > 0) out.push('```text', ...report.problems, '```', '');
    if (report.changes.length > 0) {
      out.push(`| | area | subject | setting | ${sides.before} | ${sides.after} |`, '| --- | --- | --- | --- | --- | --- |');
      for (const c of report.changes) {
        const before = c.area === 'acl' ? null : c.before;
        const after = c.area === 'acl' ? (c.after ?? c.before) : c.after;
        out.push(
          `| ${CHANGE_SIGN[c.kind]} | ${c.area} | ${code(c.subject)} | ${cell(c.setting || c.kind)} | ${cell(before)} | ${cell(after)} |`,
        );
      }
      out.push('');
    }
    for (const verdict of VERDICTS) {
      const findings = report.findings.filter((f) => f.verdict === verdict);
      if (findings.length === 0) continue;
      out.push(
        `**${FINDING_HEADINGS[verdict]}**`,
        '',
        ...findings.map((f) => `- ${code(f.path)}: ${cell(findingText(f).slice(f.path.length + 2))}`),
        '',
      );
    }
    for (const note of report.notes) out.push(`> ${note}`, '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** JSON: every field of every report, each change and finding with its one-line text, and the exit code. */
export function renderJson(reports: readonly StackReport[], options: ReportOptions): string {
  const sides = options.sides ?? PLAN_SIDES;
  return `${JSON.stringify(
    {
      kind: options.kind,
      exitCode: exitCode(reports),
      stacks: reports.map((r) => ({
        ...r,
        exitCode: stackExitCode(r),
        changes: r.changes.map((c) => ({ ...c, text: changeText(c, sides) })),
        findings: r.findings.map((f) => ({ ...f, text: findingText(f) })),
      })),
    },
    null,
    2,
  )}\n`;
}

/** The report in `format`. */
export function renderReport(reports: readonly StackReport[], format: ReportFormat, options: ReportOptions): string {
  switch (format) {
    case 'text':
      return renderText(reports, options);
    case 'markdown':
      return renderMarkdown(reports, options);
    case 'json':
      return renderJson(reports, options);
  }
}
