/**
 * The measurement part of lavaan's model syntax: `factor =~ item + item + ...`.
 *
 * Statements are separated by newlines, by `;`, or by the two characters `\n` (a model passed on
 * the command line in double quotes keeps the backslash). `#` starts a comment that runs to the end
 * of the line. As in lavaan, a factor may be defined over several statements (the items add up),
 * and an item may load on several factors. The observed items are numbered in the order they
 * first appear, which is lavaan's `lavNames(fit, "ov")` order (thresholds, polychoric matrices and
 * the asymptotic covariance of a WLSMV fit are all laid out in it).
 *
 * Anything beyond `=~` (`~~`, `~`, `:=`, `|`, modifiers such as `1*x1` or `NA*x1`, higher-order
 * factors) is rejected with an error that quotes the offending token, never silently ignored.
 */
import { StatsInputError } from './input-error.js';

export interface CfaSyntaxFactor {
  name: string;
  /** Item names in the order listed (across all statements defining the factor). */
  items: string[];
}

export interface CfaSyntax {
  factors: CfaSyntaxFactor[];
  /** Every observed item, in order of first appearance. */
  items: string[];
}

/** lavaan accepts R-style names: letters, digits, `.` and `_`, not starting with a digit. */
const NAME = /^[A-Za-z.][A-Za-z0-9._]*$/;

const UNSUPPORTED_OPERATORS: readonly [string, string][] = [
  [':=', 'defined parameters'],
  ['~~', 'covariances'],
  ['=~', ''],
  ['<~', 'formative factors'],
  ['~*~', 'scale factors'],
  ['~', 'regressions'],
  ['|', 'thresholds (they are estimated automatically for ordered items)'],
  ['==', 'equality constraints'],
  ['<', 'inequality constraints'],
  ['>', 'inequality constraints'],
];

function describeStatement(statement: string, line: number): string {
  return `model line ${line}: "${statement}"`;
}

/** Split the model into statements, each with the (1-based) source line it came from. */
function statements(text: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  // A literal backslash-n is a line break too (shell-quoted --model "A =~ a + b\nB =~ c + d").
  const lines = text.replace(/\r\n?/g, '\n').replace(/\\n/g, '\n').split('\n');
  lines.forEach((raw, i) => {
    const hash = raw.indexOf('#');
    const noComment = hash >= 0 ? raw.slice(0, hash) : raw;
    for (const part of noComment.split(';')) {
      const s = part.trim();
      if (s !== '') out.push({ text: s, line: i + 1 });
    }
  });
  // lavaan lets a right-hand side continue on the next line after a trailing `+`.
  const merged: { text: string; line: number }[] = [];
  for (const st of out) {
    const prev = merged[merged.length - 1];
    if (prev && (prev.text.endsWith('+') || st.text.startsWith('+'))) prev.text = `${prev.text} ${st.text}`;
    else merged.push({ ...st });
  }
  return merged;
}

/** Parse lavaan's `=~` subset. Throws StatsInputError naming the statement and token at fault. */
export function parseCfaSyntax(text: string): CfaSyntax {
  const factors = new Map<string, string[]>();
  const items: string[] = [];
  const sts = statements(text);
  if (sts.length === 0) throw new StatsInputError('the model is empty: expected lines such as "F1 =~ x1 + x2 + x3"');
  for (const st of sts) {
    const where = describeStatement(st.text, st.line);
    const at = st.text.indexOf('=~');
    if (at < 0) {
      const op = UNSUPPORTED_OPERATORS.find(([o]) => o !== '=~' && st.text.includes(o));
      if (op) throw new StatsInputError(`${where}: operator "${op[0]}" (${op[1]}) is not supported; only "factor =~ item + item" statements are`);
      throw new StatsInputError(`${where}: expected "factor =~ item + item + ..."`);
    }
    const lhs = st.text.slice(0, at).trim();
    const rhs = st.text.slice(at + 2).trim();
    if (lhs === '') throw new StatsInputError(`${where}: missing factor name before "=~"`);
    if (!NAME.test(lhs)) throw new StatsInputError(`${where}: "${lhs}" is not a valid factor name`);
    if (rhs.includes('=~')) throw new StatsInputError(`${where}: more than one "=~" in a statement`);
    if (rhs === '') throw new StatsInputError(`${where}: factor ${lhs} lists no items after "=~"`);
    const list = factors.get(lhs) ?? [];
    for (const rawTerm of rhs.split('+')) {
      const term = rawTerm.trim();
      if (term === '') throw new StatsInputError(`${where}: empty term (a "+" with nothing on one side)`);
      if (term.includes('*')) throw new StatsInputError(`${where}: "${term}": modifiers such as 1*x or NA*x are not supported (use the identification option instead)`);
      const op = UNSUPPORTED_OPERATORS.find(([o]) => term.includes(o));
      if (op) throw new StatsInputError(`${where}: "${term}": operator "${op[0]}" is not supported here`);
      if (/\s/.test(term)) throw new StatsInputError(`${where}: "${term}": two names without a "+" between them`);
      if (!NAME.test(term)) throw new StatsInputError(`${where}: "${term}" is not a valid item name`);
      if (list.includes(term)) throw new StatsInputError(`${where}: item ${term} is listed twice for factor ${lhs}`);
      list.push(term);
      if (!items.includes(term)) items.push(term);
    }
    factors.set(lhs, list);
  }
  for (const name of factors.keys()) {
    if (items.includes(name)) throw new StatsInputError(`"${name}" is both a factor and an item: higher-order factors are not supported`);
  }
  return { factors: [...factors].map(([name, its]) => ({ name, items: its })), items };
}

export interface ResolvedCfaModel {
  /** Model items in lavaan's order (first appearance). */
  items: string[];
  /** columns[i]: the data column holding items[i]. */
  columns: number[];
  /** Factors with their items as indices into `items`. */
  factors: { name: string; items: number[] }[];
}

/** Match a parsed model to the data's column names (extra columns are ignored, as lavaan does). */
export function resolveCfaSyntax(syntax: CfaSyntax, columnNames: readonly string[]): ResolvedCfaModel {
  const columns = syntax.items.map((item) => {
    const hits = columnNames.flatMap((c, j) => (c === item ? [j] : []));
    if (hits.length === 0) {
      const shown = columnNames.slice(0, 12).join(', ') + (columnNames.length > 12 ? ', ...' : '');
      throw new StatsInputError(`model item "${item}" is not a column of the data (columns: ${shown})`);
    }
    if (hits.length > 1) throw new StatsInputError(`model item "${item}" names ${hits.length} columns of the data`);
    return hits[0]!;
  });
  for (const f of syntax.factors) {
    if (columnNames.includes(f.name)) throw new StatsInputError(`factor "${f.name}" has the name of a data column: latent and observed names must differ`);
  }
  return {
    items: [...syntax.items],
    columns,
    factors: syntax.factors.map((f) => ({ name: f.name, items: f.items.map((it) => syntax.items.indexOf(it)) })),
  };
}
