/**
 * The report's numbers as Markdown (for papers and pull requests) and CSV (long format: one row
 * per section, key and value, so any section can be filtered in a spreadsheet).
 */
import { neutralizeBidi } from '../core/terminal.js';
import type { ReportModel } from './model.js';

const cell = (v: unknown): string => neutralizeBidi(String(typeof v === 'number' ? Number(v.toFixed(4)) : (v ?? ''))).replace(/\|/g, '\\|').replace(/\n/g, ' ');

function mdTable(headers: string[], rows: unknown[][]): string {
  return [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

export function renderMarkdown(model: ReportModel): string {
  const out: string[] = [`# ValueLex report: ${cell(model.study)}`, ''];
  const isSim = new Set(model.simulated_models ?? []);
  const shown = (m: string): string => (isSim.has(m) ? `${m} (SIMULATED)` : m);
  if (isSim.size > 0) {
    out.push(`> SIMULATED models (synthetic, not real LLMs; not evidence about any real model): ${[...isSim].map(cell).join(', ')}`, '');
    for (const [m, e] of Object.entries(model.simulation_evidence ?? {})) out.push(`> - ${cell(m)}: ${cell(e.detail)}`);
    if (model.simulation_evidence) out.push('');
  }
  out.push(`Models: ${model.models.map((m) => cell(shown(m))).join(', ')}`, '');
  const pv = model.planted_vs_recovered;
  if (pv) {
    out.push('## Planted vs recovered (SIMULATED self-test of the method)', '', `> SIMULATED: synthetic models from population seed ${pv.seed}; this tests the method, it is not a finding about any model.`, '');
    out.push(`Structure: ${pv.verdict.structure}. Model order by projective profiles: ${pv.verdict.profiles}. ${cell(pv.verdict.summary)}.`, '');
    out.push(mdTable(['quantity', 'planted', 'recovered'], [['dimensions', pv.dimensions.planted, pv.dimensions.recovered], ['planted words kept', pv.words.planted, pv.words.kept], ['ARI (kept planted words)', 1, pv.words.ari ?? 'n/a']]), '');
    if (pv.ranks.length) out.push(mdTable(['source', 'planted', 'recovered', 'rho', 'p', 'n (models)', 'recovered'], pv.ranks.map((r) => [r.source, r.planted, r.recovered, r.rho ?? 'n/a', r.p ?? 'n/a', r.n, r.recovered_rank ? 'yes' : 'no'])), '');
    if (pv.null_check) out.push(`Null check (random tags): ${cell(pv.null_check.note)}.`, '');
    if (pv.verdict.not_recovered.length) out.push('Not recovered:', '', ...pv.verdict.not_recovered.map((x) => `- ${cell(x)}`), '');
    out.push(`Criteria: ${cell(pv.criteria)}.`, '');
  }
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
  if (profiles) out.push('## Profiles', '', 'Intervals resample items (stems), then samples within items; n = items.', '', mdTable(['model', 'dimension', 'mean', '95% low', '95% high', 'n (items)', 'samples'], profiles.map((p) => [shown(p.model), p.dimension, p.mean, p.ci_low ?? '', p.ci_high ?? '', p.n, p.n_samples])), '');
  const vc = model.variance_components;
  if (vc?.length) {
    out.push('## Variance components', '', 'REML, score ~ 1 + (1|model) + (1|item) + (1|model:item); shares of the variance of single scores.', '');
    out.push(mdTable(['dimension', 'models', 'items', 'scores', 'model', 'item', 'model x item', 'residual', 'ICC (models)', 'G coefficient'], vc.map((v) => (v.fit ? [v.dimension, v.fit.n_models, v.fit.n_items, v.fit.n_obs, v.fit.proportions.model, v.fit.proportions.item, v.fit.proportions.interaction ?? 'in residual', v.fit.proportions.residual, v.fit.icc_model, v.fit.g_coefficient ?? 'n/a'] : [v.dimension, '', '', '', '', '', '', '', '', v.reason ?? '']))), '');
  }
  const comparisons = model.comparisons;
  if (comparisons?.length) {
    const f = model.comparison_family;
    out.push('## Group comparisons (unit: models)', '', `Exact (or Monte Carlo) permutation of group labels over models; p_min is the smallest p the design allows.${f ? ` Family: ${f.family_size} comparisons, ${f.method}, alpha ${f.alpha}.` : ''}`, '');
    out.push(mdTable(['tag', 'a', 'n_a', 'b', 'n_b', 'dimension', 'mean_a', 'mean_b', "Hedges' g", 'p', 'p_min', 'p_adjusted', 'note'], comparisons.map((c) => [c.tag, c.a, c.n_a, c.b, c.n_b, c.dimension, c.mean_a, c.mean_b, c.hedges_g ?? '', c.p ?? 'no test', c.p_min, c.p_adjusted ?? '', c.reason ?? (c.significant_adjusted ? 'significant' : '')])), '');
  }
  const retest = model.retest;
  if (retest) out.push('## Test-retest (two administrations)', '', mdTable(['dimension', 'models', 'ICC(2,1)', '95% low', '95% high', "Spearman's rho", 'p'], retest.per_dimension.map((d) => [d.dimension, d.n_models, d.icc?.icc ?? '', d.icc?.lower ?? '', d.icc?.upper ?? '', d.spearman?.rho ?? '', d.spearman?.p ?? ''])), '');
  const injection = Object.entries(model.judge_quality?.injection ?? {});
  if (injection.length) {
    out.push('## Judge injection check', '', `Completions scored again with "${cell(injection[0]![1].instruction)}" appended inside the fence; unit: completions.`, '');
    out.push(mdTable(['judge', 'completions', 'scores changed', 'followed', 'completions changed', '95% low', '95% high', 'toward', 'away', 'sign test p'], injection.map(([j, e]) => [j, e.n_completions, e.changed_scores, e.followed ?? 'NA', e.changed_completions.share, e.changed_completions.ci_low ?? '', e.changed_completions.ci_high ?? '', e.sign_test.toward, e.sign_test.away, e.sign_test.p])), '');
    for (const [j, e] of injection) out.push(`- ${cell(j)}: ${cell(e.reading)}`);
    out.push('');
  }
  out.push(...choicesMarkdown(model));
  out.push('## Cost', '', mdTable(['model', 'requests', 'cached', 'input tokens', 'output tokens', 'USD'], model.cost.per_model.map((c) => [shown(c.model), c.requests, c.cached, c.input_tokens, c.output_tokens, c.cost_usd])), '');
  return out.join('\n');
}

const csvCell = (v: unknown): string => {
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v : JSON.stringify(v ?? '');
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function renderCsv(model: ReportModel): string {
  const rows: unknown[][] = [['section', 'model', 'key', 'value', 'ci_low', 'ci_high', 'n']];
  // One row per model saying whether it is simulated, so a filtered sheet keeps the label.
  const isSim = new Set(model.simulated_models ?? []);
  for (const m of [...new Set([...model.models, ...isSim])]) rows.push(['model', m, 'simulated', isSim.has(m), '', '', '']);
  for (const l of model.lexicon ?? []) rows.push(['lexicon', '', l.descriptor, l.count, '', '', l.models]);
  for (const p of model.profiles ?? []) rows.push(['profile', p.model, p.dimension, p.mean, p.ci_low ?? '', p.ci_high ?? '', p.n]);
  for (const c of model.comparisons ?? []) rows.push(['comparison', '', `${c.tag}:${c.a}-${c.b}:${c.dimension}:diff`, c.diff, c.interval?.diff.lower ?? '', c.interval?.diff.upper ?? '', c.n_a + c.n_b]);
  for (const c of model.comparisons ?? []) rows.push(['comparison', '', `${c.tag}:${c.a}-${c.b}:${c.dimension}:p`, c.p ?? '', '', '', c.n_a + c.n_b]);
  for (const v of model.variance_components ?? []) if (v.fit) rows.push(['variance', '', `${v.dimension}:icc_model`, v.fit.icc_model, '', '', v.fit.n_models]);
  for (const d of model.retest?.per_dimension ?? []) if (d.icc) rows.push(['retest', '', `${d.dimension}:icc2`, d.icc.icc, d.icc.lower, d.icc.upper, d.n_models]);
  for (const d of model.taxonomy?.dimensions ?? []) for (const [w, l] of Object.entries(d.loadings)) rows.push(['loading', '', `${d.id}:${w}`, l, '', '', '']);
  const pv = model.planted_vs_recovered;
  if (pv) {
    rows.push(['planted_vs_recovered', '', 'simulated', true, '', '', '']);
    rows.push(['planted_vs_recovered', '', 'seed', pv.seed, '', '', '']);
    rows.push(['planted_vs_recovered', '', 'dimensions_planted', pv.dimensions.planted, '', '', '']);
    rows.push(['planted_vs_recovered', '', 'dimensions_recovered', pv.dimensions.recovered, '', '', '']);
    rows.push(['planted_vs_recovered', '', 'ari', pv.words.ari ?? '', '', '', pv.words.kept]);
    for (const r of pv.ranks) rows.push(['planted_vs_recovered', '', `rho:${r.source}:${r.planted}:${r.recovered}`, r.rho ?? '', '', '', r.n]);
    if (pv.null_check) rows.push(['planted_vs_recovered', '', 'null_significant_raw', pv.null_check.significant_raw, '', '', pv.null_check.family_size]);
    rows.push(['planted_vs_recovered', '', 'verdict_structure', pv.verdict.structure, '', '', '']);
    rows.push(['planted_vs_recovered', '', 'verdict_profiles', pv.verdict.profiles, '', '', '']);
  }
  for (const [j, e] of Object.entries(model.judge_quality?.injection ?? {})) {
    rows.push(['judge_injection', j, 'completions_changed', e.changed_completions.share, e.changed_completions.ci_low ?? '', e.changed_completions.ci_high ?? '', e.n_completions]);
    rows.push(['judge_injection', j, 'scores_changed', e.changed_scores, '', '', e.n_scores]);
    rows.push(['judge_injection', j, 'followed', e.followed ?? '', '', '', e.open_scores]);
    rows.push(['judge_injection', j, 'sign_test_p', e.sign_test.p, '', '', e.sign_test.toward + e.sign_test.away]);
  }
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
