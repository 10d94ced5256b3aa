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
  if (tax) {
    out.push('## Taxonomy', '');
    if (tax.unit) out.push(`Unit: ${tax.unit.respondents} respondents (${tax.unit.respondent}${tax.unit.samples_per_respondent ? `, up to ${tax.unit.samples_per_respondent} samples each aggregated` : ''}) from ${tax.unit.models} models.`, '');
    if (tax.reduction) out.push(`Reduction: ${tax.reduction.descriptors} descriptors -> ${tax.reduction.unique_terms} unique terms -> ${tax.reduction.lexicon_terms} in the lexicon -> ${tax.reduction.analysed} analysed.`, '');
    if (tax.factor_count && tax.factor_count.iter > 0) out.push(`Factors: ${tax.factor_count.chosen} (parallel analysis with ${tax.factor_count.iter} permutation nulls: ${tax.factor_count.parallel}; MAP: ${tax.factor_count.map ?? 'n/a'}; eigenvalues > 1: ${tax.factor_count.kaiser}). KMO ${cell(tax.kmo)}.`, '');
    else out.push(`KMO ${cell(tax.kmo)}`, '');
    if (tax.status === 'no-structure') out.push(`No value structure is claimed: ${cell(tax.status_reason)}.`, '');
    const pooled = tax.validation && 'folds' in tax.validation ? tax.validation.pooled : undefined;
    out.push(mdTable(['id', 'label', 'parent', 'alpha', 'omega', 'alpha (held-out models)', 'words'], tax.dimensions.map((d) => [d.id, d.label, d.parent ?? '', tax.alpha[d.id] ?? '', tax.omega?.[d.id] ?? '', pooled?.alpha[d.id] ?? '', d.words.join(', ')])), '');
    if (pooled) out.push(`Held-out models (${tax.validation!.k} folds): congruence mean ${cell(pooled.congruence_mean)}; WLSMV CFA CFI ${cell(pooled.cfi_scaled)}, RMSEA ${cell(pooled.rmsea_scaled)}, SRMR ${cell(pooled.srmr)}.`, '');
  }
  const profiles = model.profiles;
  if (profiles) out.push('## Profiles', '', mdTable(['model', 'dimension', 'mean', '95% low', '95% high', 'n'], profiles.map((p) => [p.model, p.dimension, p.mean, p.ci_low, p.ci_high, p.n])), '');
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
  for (const c of model.cost.per_model) rows.push(['cost', c.model, 'requests', c.requests, '', '', '']);
  return rows.map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}
