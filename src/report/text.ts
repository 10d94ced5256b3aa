/**
 * The report's numbers as Markdown (for papers and pull requests) and CSV (long format: one row
 * per section, key and value, so any section can be filtered in a spreadsheet).
 */
import type { ReportModel } from './model.js';

const cell = (v: unknown): string => String(typeof v === 'number' ? Number(v.toFixed(4)) : (v ?? '')).replace(/\|/g, '\\|').replace(/\n/g, ' ');

function mdTable(headers: string[], rows: unknown[][]): string {
  return [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

export function renderMarkdown(model: ReportModel): string {
  const out: string[] = [`# ValueLex report: ${cell(model.study)}`, ''];
  if (model.simulated_models?.length) out.push(`> SIMULATED models (synthetic, not real LLMs): ${model.simulated_models.map(cell).join(', ')}`, '');
  const lexicon = model.lexicon;
  if (lexicon) out.push('## Lexicon', '', mdTable(['descriptor', 'count', 'models'], lexicon.slice(0, 50).map((l) => [l.descriptor, l.count, l.models])), '');
  const tax = model.taxonomy;
  if (tax) out.push('## Taxonomy', '', `KMO ${cell(tax.kmo)}`, '', mdTable(['id', 'label', 'parent', 'alpha', 'words'], tax.dimensions.map((d) => [d.id, d.label, d.parent ?? '', tax.alpha[d.id] ?? '', d.words.join(', ')])), '');
  const profiles = model.profiles;
  if (profiles) out.push('## Profiles', '', mdTable(['model', 'dimension', 'mean', '95% low', '95% high', 'n'], profiles.map((p) => [p.model, p.dimension, p.mean, p.ci_low, p.ci_high, p.n])), '');
  out.push(...choicesMarkdown(model));
  out.push('## Cost', '', mdTable(['model', 'requests', 'cached', 'input tokens', 'output tokens', 'USD'], model.cost.per_model.map((c) => [c.model, c.requests, c.cached, c.input_tokens, c.output_tokens, c.cost_usd])), '');
  return out.join('\n');
}

const csvCell = (v: unknown): string => {
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v : JSON.stringify(v ?? '');
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function renderCsv(model: ReportModel): string {
  const rows: unknown[][] = [['section', 'model', 'key', 'value', 'ci_low', 'ci_high', 'n']];
  for (const l of model.lexicon ?? []) rows.push(['lexicon', '', l.descriptor, l.count, '', '', l.models]);
  for (const p of model.profiles ?? []) rows.push(['profile', p.model, p.dimension, p.mean, p.ci_low, p.ci_high, p.n]);
  for (const d of model.taxonomy?.dimensions ?? []) for (const [w, l] of Object.entries(d.loadings)) rows.push(['loading', '', `${d.id}:${w}`, l, '', '', '']);
  rows.push(...choicesCsvRows(model));
  for (const c of model.cost.per_model) rows.push(['cost', c.model, 'requests', c.requests, '', '', '']);
  return rows.map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

/** Forced choices and the MTMM matrix as Markdown (sections absent when the run has no such result). */
function choicesMarkdown(model: ReportModel): string[] {
  const out: string[] = [];
  const c = model.choices;
  if (c) {
    out.push('## Value priorities (forced choices)', '', `${c.dilemmas.kept} dilemmas on ${c.dilemmas.pairs} value pairs; Bradley-Terry log-strengths (Davidson ties), 95% bootstrap intervals over dilemmas.`, '');
    out.push(mdTable(['model', 'value', 'rank', 'log-strength', '95% low', '95% high'], c.priorities.map((p) => [p.model, p.dimension, p.rank, p.log_strength, p.ci_low, p.ci_high])), '');
    if (c.consistency) {
      out.push('### Framing consistency', '', mdTable(['model', 'consistent', 'order agreement', 'framing effect', 'p (Holm)', 'pairs'], c.consistency.per_model.map((r) => [r.model, r.consistent ?? 'NA', r.order_agreement ?? 'NA', r.framing_effect ?? 'NA', r.p_holm ?? 'NA', r.pairs])), '');
      out.push(mdTable(['value pair', 'consistent', 'order agreement', 'framing effect', 'p (Holm)', 'models'], c.consistency.per_pair.map((r) => [r.pair, r.consistent ?? 'NA', r.order_agreement ?? 'NA', r.framing_effect ?? 'NA', r.p_holm ?? 'NA', r.models])), '');
    }
    out.push('### Position bias', '', mdTable(['model', 'share first', '95% low', '95% high', 'first both times', 'second both times', 'p (Holm)'], c.position_bias.map((r) => [r.model, r.share_first ?? 'NA', r.ci_low ?? 'NA', r.ci_high ?? 'NA', r.both_first, r.both_second, r.p_holm ?? 'NA'])), '');
    if (c.intransitivity.length > 0) out.push('### Intransitivity', '', mdTable(['model', 'decided triads', 'circular', 'share', 'p'], c.intransitivity.map((r) => [r.model, r.decided_triads, r.circular, r.share ?? 'NA', r.p ?? 'NA'])), '');
  }
  const m = model.mtmm;
  if (m) {
    out.push('## Stated against revealed values (MTMM)', '', `${m.models.length} models; methods: ${m.methods.map((x) => `${x.id} (${x.family})`).join(', ')}; each method on its own scale.`, '');
    for (const note of m.notes) out.push(`> ${cell(note)}`, '');
    out.push(mdTable(['value', 'convergent r', '95% low', '95% high', 'models', 'verdict', 'reading'], m.per_trait.map((t) => [t.label, t.convergent ?? 'NA', t.ci?.[0] ?? 'NA', t.ci?.[1] ?? 'NA', t.n, t.verdict, t.statement])), '');
    const names = m.columns.map((col) => `${col.trait}·${col.method}`);
    out.push(mdTable(['', ...names], m.r.map((row, i) => [names[i], ...row.map((v, j) => (j > i ? '' : v === null ? 'NA' : v))])), '');
  }
  return out;
}

/** Forced choices and the MTMM matrix as rows of the long CSV. */
function choicesCsvRows(model: ReportModel): unknown[][] {
  const rows: unknown[][] = [];
  const c = model.choices;
  for (const p of c?.priorities ?? []) rows.push(['choice_priority', p.model, p.dimension, p.log_strength, p.ci_low, p.ci_high, p.wins + p.losses + p.ties]);
  for (const r of c?.consistency?.per_model ?? []) {
    rows.push(['choice_consistency', r.model, 'consistent', r.consistent ?? '', r.ci_low ?? '', r.ci_high ?? '', r.pairs]);
    rows.push(['choice_consistency', r.model, 'order_agreement', r.order_agreement ?? '', '', '', r.order_pairs]);
    rows.push(['choice_consistency', r.model, 'framing_effect_p_holm', r.p_holm ?? '', '', '', r.dilemmas]);
  }
  for (const r of c?.consistency?.per_pair ?? []) rows.push(['choice_consistency_pair', '', r.pair, r.consistent ?? '', r.ci_low ?? '', r.ci_high ?? '', r.pairs]);
  for (const r of c?.position_bias ?? []) {
    rows.push(['position_bias', r.model, 'share_first', r.share_first ?? '', r.ci_low ?? '', r.ci_high ?? '', r.answers]);
    rows.push(['position_bias', r.model, 'p_holm', r.p_holm ?? '', '', '', r.dilemmas]);
  }
  for (const r of c?.intransitivity ?? []) rows.push(['intransitivity', r.model, 'circular_share', r.share ?? '', '', '', r.decided_triads]);
  const m = model.mtmm;
  if (m) {
    const name = (i: number): string => `${m.columns[i]!.trait}:${m.columns[i]!.method}`;
    for (const s of m.scores) rows.push(['mtmm_score', s.model, `${s.trait}:${s.method}`, s.score, '', '', '']);
    m.r.forEach((row, i) => row.forEach((v, j) => { if (j < i) rows.push(['mtmm_r', '', `${name(i)}|${name(j)}`, v ?? '', '', '', m.n[i]![j]]); }));
    for (const cv of m.convergent) rows.push(['mtmm_convergent', '', `${cv.trait}:${cv.methodA}|${cv.methodB}`, cv.r ?? '', cv.ci?.[0] ?? '', cv.ci?.[1] ?? '', cv.n]);
    for (const t of m.per_trait) rows.push(['mtmm_verdict', '', t.trait, t.reading, t.ci?.[0] ?? '', t.ci?.[1] ?? '', t.n]);
  }
  return rows;
}
