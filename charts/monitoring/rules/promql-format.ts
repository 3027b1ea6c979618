/**
 * PromQL laid out on lines a reviewer can read in a diff: an expression that
 * fits on one line stays on it; a longer one is broken at its loosest binary
 * operator (`or`, then `and`/`unless`, then comparisons, …), each operator
 * starting a line with its `on (…)`/`group_left` modifiers, and then inside
 * its brackets, one argument or label matcher per line, indented by two.
 *
 * Only whitespace changes: the tokens, their order and every string literal
 * stay exactly as built (a test checks it, and promtool parses the result).
 * Lines longer than the width remain only where one token is longer, such as
 * a regular expression listing many topics.
 */

/**
 * Columns an expression line may take before it is broken (the YAML around
 * it adds its own indentation).
 * @default 100
 */
export const PROMQL_LINE_WIDTH = 100;

type TokenKind = 'word' | 'string' | 'open' | 'close' | 'comma';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** Whether whitespace preceded it in the source: `rate(` versus `by (`. */
  readonly spaced: boolean;
}

type Node =
  | { readonly kind: 'word' | 'string'; readonly text: string; readonly spaced: boolean }
  | { readonly kind: 'group'; readonly open: string; readonly close: string; readonly items: Node[][]; readonly spaced: boolean };

const CLOSING: Readonly<Record<string, string>> = { '(': ')', '{': '}', '[': ']' };

/** PromQL's tokens as far as layout needs them: strings, brackets, commas, and runs of anything else. */
export function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let spaced = false;
  while (i < expr.length) {
    const c = expr[i]!;
    if (/\s/.test(c)) {
      spaced = true;
      i++;
      continue;
    }
    let end = i + 1;
    let kind: TokenKind;
    if (c === '"' || c === "'" || c === '`') {
      kind = 'string';
      while (end < expr.length && expr[end] !== c) end += expr[end] === '\\' && c !== '`' ? 2 : 1;
      end = Math.min(end + 1, expr.length);
    } else if (c in CLOSING) kind = 'open';
    else if (c === ')' || c === '}' || c === ']') kind = 'close';
    else if (c === ',') kind = 'comma';
    else {
      kind = 'word';
      while (end < expr.length && !/[\s"'`(){}[\],]/.test(expr[end]!)) end++;
    }
    tokens.push({ kind, text: expr.slice(i, end), spaced });
    spaced = false;
    i = end;
  }
  return tokens;
}

function parse(tokens: readonly Token[]): Node[] {
  let i = 0;
  const sequence = (close?: string): Node[][] => {
    const items: Node[][] = [[]];
    while (i < tokens.length) {
      const token = tokens[i]!;
      if (token.kind === 'close') {
        if (token.text === close) {
          i++;
          return items;
        }
        // An unmatched bracket (never built here): keep it as text.
        items.at(-1)!.push({ kind: 'word', text: token.text, spaced: token.spaced });
        i++;
      } else if (token.kind === 'comma' && close !== undefined) {
        items.push([]);
        i++;
      } else if (token.kind === 'open') {
        i++;
        const inner = sequence(CLOSING[token.text]);
        items.at(-1)!.push({ kind: 'group', open: token.text, close: CLOSING[token.text]!, items: inner, spaced: token.spaced });
      } else {
        items.at(-1)!.push({ kind: token.kind === 'string' ? 'string' : 'word', text: token.text, spaced: token.spaced });
        i++;
      }
    }
    return items;
  };
  return sequence().flat();
}

function flat(nodes: readonly Node[]): string {
  return nodes.map((node, i) => (i > 0 && node.spaced ? ' ' : '') + flatNode(node)).join('');
}

function flatNode(node: Node): string {
  if (node.kind !== 'group') return node.text;
  const items = node.items.map(flat);
  return `${node.open}${items.length === 1 && items[0] === '' ? '' : items.join(', ')}${node.close}`;
}

/** Binary operators from the loosest binding up (PromQL's precedence); `^` is left out: it never needs a line of its own. */
const PRECEDENCE: readonly (readonly string[])[] = [
  ['or'],
  ['and', 'unless'],
  ['==', '!=', '<=', '>=', '<', '>'],
  ['+', '-'],
  ['*', '/', '%', 'atan2'],
];

function isOperator(node: Node | undefined): boolean {
  return node?.kind === 'word' && PRECEDENCE.some((level) => level.includes(node.text));
}

/** Where `nodes` splits at its loosest binary operator: `[operand, [operator + modifiers, operand]…]`, or undefined. */
function splitAtOperators(nodes: readonly Node[]): { first: Node[]; rest: { operator: Node[]; operand: Node[] }[] } | undefined {
  // A binary operator follows an operand: not first, not after another operator (that one would be unary).
  const positions = nodes.map((node, i) => (i > 0 && isOperator(node) && !isOperator(nodes[i - 1]) ? i : -1)).filter((i) => i >= 0);
  const level = PRECEDENCE.find((ops) => positions.some((i) => ops.includes((nodes[i] as { text: string }).text)));
  if (level === undefined) return undefined;
  const cuts = positions.filter((i) => level.includes((nodes[i] as { text: string }).text));
  const first = nodes.slice(0, cuts[0]);
  const rest = cuts.map((cut, k) => {
    let end = cut + 1;
    // Modifiers: bool, on/ignoring (labels), group_left/group_right [(labels)].
    for (;;) {
      const node = nodes[end];
      if (node?.kind !== 'word') break;
      if (node.text === 'bool') end += 1;
      else if ((node.text === 'on' || node.text === 'ignoring') && nodes[end + 1]?.kind === 'group') end += 2;
      else if (node.text === 'group_left' || node.text === 'group_right') end += nodes[end + 1]?.kind === 'group' ? 2 : 1;
      else break;
    }
    return { operator: nodes.slice(cut, end), operand: nodes.slice(end, cuts[k + 1] ?? nodes.length) };
  });
  return { first, rest };
}

const pad = (n: number) => ' '.repeat(n);

/** `nodes` laid out starting at column `column` of a line indented by `indent`. */
function layout(nodes: readonly Node[], indent: number, column: number, width: number): string {
  const one = flat(nodes);
  if (column + one.length <= width) return one;
  const split = splitAtOperators(nodes);
  if (split && split.first.length > 0) {
    let text = layout(split.first, indent, column, width);
    for (const { operator, operand } of split.rest) {
      const prefix = flat(operator);
      const together = `${prefix} ${flat(operand)}`;
      text +=
        indent + together.length <= width
          ? `\n${pad(indent)}${together}`
          : `\n${pad(indent)}${prefix}\n${pad(indent)}${layout(operand, indent, indent, width)}`;
    }
    return text;
  }
  let text = '';
  let col = column;
  nodes.forEach((node, i) => {
    const space = i > 0 && node.spaced ? ' ' : '';
    const piece = flatNode(node);
    if (node.kind !== 'group' || col + space.length + piece.length <= width || node.items.every((item) => item.length === 0)) {
      text += space + piece;
      col += space.length + piece.length;
      return;
    }
    const inner = indent + 2;
    // Arguments that are literals alone (label_replace's "dst", "$1", "src", "(.*)") share a line.
    const lines: { text: string; literals: boolean }[] = [];
    for (const item of node.items) {
      const last = lines.at(-1);
      if (last?.literals && isLiteral(item) && inner + last.text.length + 2 + flat(item).length <= width) last.text += `, ${flat(item)}`;
      else lines.push({ text: layout(item, inner, inner, width), literals: isLiteral(item) });
    }
    text += `${space}${node.open}\n${lines.map((line) => pad(inner) + line.text).join(',\n')}\n${pad(indent)}${node.close}`;
    col = indent + node.close.length;
  });
  return text;
}

function isLiteral(item: readonly Node[]): boolean {
  const only = item.length === 1 ? item[0]! : undefined;
  return only !== undefined && (only.kind === 'string' || (only.kind === 'word' && /^-?[0-9.]+$/.test(only.text)));
}

/** `expr` laid out as described above; whitespace inside string literals is kept, whitespace between tokens is normalised. */
export function formatPromQL(expr: string, width = PROMQL_LINE_WIDTH): string {
  return layout(parse(tokenize(expr)), 0, 0, width);
}
