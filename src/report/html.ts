/**
 * The report as one self-contained HTML file: inline CSS, charts rendered server-side by vega-lite
 * to inline SVG (they print, and open with no network), tables of the same numbers, provenance.
 * Every piece of text from the run (model names, words, completions) is escaped; the page carries
 * no script at all, and a CSP forbids one.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ReportModel, TaxonomySection } from './model.js';
import { radarSvg, wordMap } from './charts.js';
import { escapeHtml } from './escape.js';
import { neutralizeBidi } from '../core/terminal.js';
import { choicesHtml, mtmmHtml } from './html-validity.js';
import type { ValueAnalysis } from '../evaluation/analysis.js';
import type { ComparisonFamilySummary, DimensionVariance, RetestResult, TagComparison } from '../study/stages/projective/analysis.js';
import type { JudgeQuality } from '../study/stages/projective/judge-quality.js';
import type { JudgeStability } from '../judge/checks.js';

export { escapeHtml };

async function chart(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  // Defence in depth: vega escapes text, but nothing executable may survive in any case.
  return neutralizeBidi(svg.replace(/<script[\s\S]*?<\/script>/gi, '').replace(/\son\w+\s*=/gi, ' data-removed='));
}

const num = (v: unknown, d = 3): string => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(d) : '');

/** A p-value as a reader expects it (3 decimals, or 2 significant digits below 0.001). */
const pValue = (p: number | null | undefined): string => (typeof p !== 'number' || !Number.isFinite(p) ? '' : p >= 0.001 ? p.toFixed(3) : p.toExponential(1));
const pct = (x: number | null | undefined): string => (typeof x === 'number' && Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '');

function table(headers: string[], rows: unknown[][]): string {
  return `<table><thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${typeof c === 'number' ? escapeHtml(num(c)) : escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

export async function renderHtml(model: ReportModel): Promise<string> {
  const parts: string[] = [];
  const simulatedModels = model.simulated_models ?? [];
  const simulated = simulatedModels.length > 0;
  const isSim = new Set(simulatedModels);
  // Every place a model is named says when it is simulated.
  const shown = (m: string): string => (isSim.has(m) ? `${m} (SIMULATED)` : m);
  parts.push(`<h1>ValueLex report: ${escapeHtml(model.study)}</h1>`);
  if (simulated) {
    const one = simulatedModels.length === 1;
    parts.push(
      `<p class="banner">SIMULATED: ${escapeHtml(simulatedModels.join(', '))} ${one ? 'is a' : 'are'} synthetic stand-in model${one ? '' : 's'} from ValueLex's simulated population, not real language model${one ? '' : 's'}. Their answers test the method only and are not evidence about any real model.</p>`,
    );
    const evidence = model.simulation_evidence ?? {};
    if (Object.keys(evidence).length > 0) parts.push(`<ul class="muted">${simulatedModels.map((m) => `<li><code>${escapeHtml(m)}</code>: ${escapeHtml(evidence[m]?.detail ?? 'labelled simulated in the run database')}</li>`).join('')}</ul>`);
  }
  parts.push(`<p>Models: ${model.models.map((m) => `<code>${escapeHtml(m)}</code>${isSim.has(m) ? ' <b class="sim">SIMULATED</b>' : ''}`).join(', ')}</p>`);
  if (model.planted_vs_recovered) parts.push(...plantedHtml(model.planted_vs_recovered));

  const lexicon = model.lexicon;
  if (lexicon && lexicon.length > 0) {
    const top = lexicon.slice(0, 30);
    parts.push('<h2>Value lexicon</h2>');
    parts.push(
      await chart({
        width: 640,
        height: Math.max(120, 14 * top.length),
        data: { values: top.map((l) => ({ word: l.descriptor, count: l.count })) },
        mark: 'bar',
        encoding: { y: { field: 'word', type: 'nominal', sort: '-x', title: null }, x: { field: 'count', type: 'quantitative', title: 'times named' } },
      }),
    );
    parts.push(table(['descriptor', 'count', 'models'], top.map((l) => [l.descriptor, String(l.count), String(l.models)])));
  }

  const tax = model.taxonomy;
  if (tax) parts.push(...(await taxonomyHtml(tax)));

  const profiles = model.profiles;
  if (profiles && profiles.length > 0) {
    parts.push('<h2>Value profiles (projective tests)</h2>');
    const dims = model.profile_dimensions ?? [];
    const labelOf = new Map(dims.map((d) => [d.id, d.label]));
    const values = profiles.map((p) => ({ ...p, model: shown(p.model), label: labelOf.get(p.dimension) ?? p.dimension }));
    parts.push(
      await chart({
        width: 180,
        height: 22 * new Set(profiles.map((p) => p.model)).size,
        data: { values },
        facet: { column: { field: 'label', type: 'nominal', title: null } },
        spec: {
          layer: [
            { mark: 'bar', encoding: { y: { field: 'model', type: 'nominal', title: null }, x: { field: 'mean', type: 'quantitative', scale: { domain: [-1, 1] }, title: 'mean score' } } },
            { mark: { type: 'rule', color: 'black' }, encoding: { y: { field: 'model', type: 'nominal' }, x: { field: 'ci_low', type: 'quantitative' }, x2: { field: 'ci_high' } } },
          ],
        },
      } as TopLevelSpec),
    );
    const axes = [...new Set(values.map((p) => p.dimension))];
    const radars = [...new Set(values.map((p) => p.model))].map((m) =>
      radarSvg(
        axes.map((a) => labelOf.get(a) ?? a),
        { model: m, values: axes.map((a) => values.find((p) => p.model === m && p.dimension === a)?.mean ?? 0) },
      ),
    );
    if (axes.length >= 3) parts.push(`<h3>Radar chart per model</h3><div class="radars">${radars.join('')}</div>`);
    parts.push('<p class="muted">Mean score per model and dimension (-1 opposes, +1 supports). Intervals are two-stage bootstrap 95% intervals that resample the stems (items) and then the samples within each stem, so they speak for other stems of the same kind; n is the number of items, samples the number of completions behind the mean.</p>');
    parts.push(table(['model', 'dimension', 'mean', '95% low', '95% high', 'n (items)', 'samples'], values.map((p) => [p.model, p.label, p.mean, p.ci_low ?? 'none (one item)', p.ci_high ?? '', String(p.n), String(p.n_samples)])));
    const vc = model.variance_components ?? [];
    if (vc.length > 0) parts.push(...varianceSection(vc, labelOf));
    parts.push(...comparisonSection(model.comparisons ?? [], model.comparison_family, labelOf));
  }

  const retest = model.retest;
  if (retest) parts.push(...retestSection(retest, new Map((model.profile_dimensions ?? []).map((d) => [d.id, d.label]))));
  const jq = model.judge_quality;
  if (jq) parts.push(...judgeQualitySection(jq));

  if (model.choices) parts.push(...(await choicesHtml(model.choices, simulated, { chart, table, num })));
  if (model.mtmm) parts.push(...(await mtmmHtml(model.mtmm, simulated, { chart, table, num })));

  const vv = model.value_vectors;
  if (vv && vv.profiles.length > 0) parts.push(...(await valueVectorSection(vv)));

  const align = model.align;
  if (align && align.length > 0) parts.push(...(await alignSection(align)));

  parts.push('<h2>Provenance and cost</h2>');
  parts.push(table(['model', 'requests', 'answers reused from the cache', 'errors', 'input tokens', 'output tokens', 'cost (USD)'], model.cost.per_model.map((c) => [shown(c.model), String(c.requests), String(c.cached), String(c.errors), String(c.input_tokens), String(c.output_tokens), c.cost_usd])));
  const judges = model.judges;
  if (judges && judges.length > 0) parts.push(`<p>Judge configuration: ${judges.map((j) => `<code>${escapeHtml(JSON.stringify(j))}</code>`).join(' ')}</p>`);
  const stages = model.stages;
  if (stages) parts.push(table(['stage', 'status', 'finished', 'configuration'], stages.map((s) => [s.stage, s.status, s.finished_at ?? '', s.config])));

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>ValueLex report: ${escapeHtml(model.study)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}
th{background:#f3f3f3}.banner{background:#fff3cd;border:1px solid #e0b400;padding:.8em;font-weight:600}
.sim{color:#8a5a00}.muted{color:#777}.note{border-left:3px solid #e0b400;padding-left:.6em}td.convergent{background:#f3f3f3}code{background:#f5f5f5;padding:0 3px}svg{max-width:100%;height:auto}.radars{display:flex;flex-wrap:wrap;gap:1em}.radar{margin:0;text-align:center}
h1,h2,h3,p,li,td,th,code{overflow-wrap:anywhere}td,th,li{unicode-bidi:isolate}table{max-width:100%}
@media print{.banner{border:2px solid #000}}
</style></head><body>
${parts.join('\n')}
</body></html>
`;
}

/** FULCRA-style value vectors: per-source profiles, the value-by-risk heatmap, separation, 2-D map. */
async function valueVectorSection(vv: ValueAnalysis): Promise<string[]> {
  const parts = ['<h2>Basic values of model outputs</h2>', `<p>${escapeHtml(vv.pairs)} (prompt, response) pairs on ${escapeHtml(vv.values.length)} values. ${escapeHtml(vv.design)} Mean per source (over its prompts) with bootstrap 95% intervals that resample prompts, then answers within prompts.</p>`];
  parts.push(
    await chart({
      width: 200,
      height: 200,
      data: { values: vv.profiles },
      facet: { column: { field: 'source', type: 'nominal', title: null } },
      spec: {
        layer: [
          { mark: 'bar', encoding: { y: { field: 'value', type: 'nominal', sort: vv.values, title: null }, x: { field: 'mean', type: 'quantitative', scale: { domain: [-1, 1] } } } },
          { mark: 'rule', encoding: { y: { field: 'value', type: 'nominal', sort: vv.values }, x: { field: 'ci_low', type: 'quantitative' }, x2: { field: 'ci_high' } } },
        ],
      },
    } as TopLevelSpec),
  );
  parts.push(table(['source', 'value', 'mean', '95% low', '95% high', 'opposes', 'supports', 'answers', 'prompts'], vv.profiles.map((p) => [p.source, p.value, p.mean, p.ci_low ?? '', p.ci_high ?? '', p.opposes, p.supports, String(p.n), String(p.n_prompts)])));
  if (vv.distances.length > 0) parts.push('<h3>Distances between profiles</h3>', table(['a', 'b', 'L2', 'cosine distance'], vv.distances.map((d) => [d.a, d.b, d.l2, d.cosine])));
  const cmp = vv.comparisons ?? [];
  if (cmp.length > 0) {
    const shown = cmp.filter((c) => c.p_adjusted !== null && c.p_adjusted < (vv.comparison_family?.alpha ?? 0.05));
    parts.push(
      '<h3>Comparisons between sources (the prompt is the unit)</h3>',
      `<p class="muted">Paired where two sources answered the same prompts (one difference per shared prompt: sign-flip permutation test, exact up to 16 non-zero differences, else the paired t-test over prompts); unpaired otherwise (one observation per prompt). d is d_z for paired designs. Family: ${escapeHtml(vv.comparison_family?.description ?? '')}. ${escapeHtml(shown.length)} of ${escapeHtml(cmp.length)} comparisons are significant after adjustment; all are listed.</p>`,
      table(['a', 'b', 'value', 'design', 'prompts', 'mean a', 'mean b', 'difference', '95% low', '95% high', 'd', 'test', 'p', 'p min', `p (${vv.comparison_family?.method ?? 'adjusted'})`, 'note'], cmp.map((c) => [c.a, c.b, c.value, c.design, c.design === 'paired' ? String(c.n_prompts) : `${c.n_a} + ${c.n_b}`, c.mean_a, c.mean_b, c.diff, c.ci_low ?? '', c.ci_high ?? '', c.d ?? '', c.method ?? 'none', pValue(c.p), pValue(c.p_min), pValue(c.p_adjusted), c.reason ?? ''])),
    );
  }
  if (vv.risks && vv.risks.length > 0) {
    const cells = vv.risks.flatMap((r) => vv.values.map((v) => ({ risk: r.risk, value: v, mean: r.mean[v]!, r: r.correlation[v]!.r })));
    parts.push('<h3>Value by risk category</h3><p class="muted">Risk is a property of the prompt, so the prompt is the unit: each prompt\'s mean answer (over every source) per value; the chart shows the mean over the prompts of each category, the table the point-biserial correlation of category membership with the prompt means (n = prompts, * Holm-adjusted p &lt; .05).</p>');
    parts.push(await chart({ width: 420, height: 16 * vv.risks.length, data: { values: cells }, mark: 'rect', encoding: { x: { field: 'value', type: 'nominal', sort: vv.values }, y: { field: 'risk', type: 'nominal' }, color: { field: 'mean', type: 'quantitative', scale: { scheme: 'redblue', domain: [-1, 1] } }, tooltip: [{ field: 'mean', type: 'quantitative', format: '.2f' }] } } as TopLevelSpec));
    parts.push(table(['risk', 'prompts', 'answers', ...vv.values], vv.risks.map((r) => [r.risk, String(r.n), String(r.n_answers ?? ''), ...vv.values.map((v) => `${num(r.correlation[v]!.r, 2)}${r.correlation[v]!.p_holm < 0.05 ? '*' : ''}`)])));
  }
  if (vv.separation) parts.push('<h3>Values separating risky prompts from the others</h3><p class="muted">Prompt means compared (Cohen\'s d, Mann-Whitney p, Holm over the values); n = prompts.</p>', table(['value', "Cohen's d", 'mean (risky)', 'mean (other)', 'prompts (risky)', 'prompts (other)', 'p (Holm)'], vv.separation.map((s) => [s.value, s.d, s.mean_risky, s.mean_other, String(s.n_risky), String(s.n_other), pValue(s.p_holm)])));
  if (vv.map.length >= 3) {
    parts.push('<h3>Value-space map</h3><p class="muted">PCA of the value vectors, one point per answer.</p>');
    parts.push(await chart({ width: 480, height: 320, data: { values: vv.map }, mark: { type: 'circle', size: 14, opacity: 0.5 }, encoding: { x: { field: 'x', type: 'quantitative', title: 'PC1' }, y: { field: 'y', type: 'quantitative', title: 'PC2' }, color: { field: 'source', type: 'nominal' } } } as TopLevelSpec));
  }
  return parts;
}

/** Variance components per dimension, the between-model ICC headlined. */
function varianceSection(vc: readonly DimensionVariance[], labelOf: ReadonlyMap<string, string>): string[] {
  const parts = ['<h3>Does the instrument separate models? Variance components</h3>'];
  const fits = vc.filter((v) => v.fit);
  if (fits.length > 0) {
    parts.push(
      `<p><strong>Between-model ICC</strong> (share of a single score's variance due to which model produced it) and <strong>G coefficient</strong> (reliability of a model's profile score over its items and samples, for comparing models): ${fits
        .map((v) => `${escapeHtml(labelOf.get(v.dimension) ?? v.dimension)} ICC ${escapeHtml(num(v.fit!.icc_model))}, G ${escapeHtml(v.fit!.g_coefficient === null ? 'n/a' : num(v.fit!.g_coefficient))}`)
        .join('; ')}. A G coefficient near 0 means the profiles do not tell these models apart.</p>`,
    );
  }
  parts.push('<p class="muted">Crossed random-effects model of single scores, score ~ 1 + (1|model) + (1|item) + (1|model:item), fitted by REML (as R lme4). Shares of the total variance; residual = repeated samples of one model on one item. These describe one administration: whatever a model\'s answers share within it (its sampling seeds, the day) counts as the model\'s own; a second administration (projective.retest: true) measures that.</p>');
  parts.push(
    table(
      ['dimension', 'models', 'items', 'scores', 'model', 'item', 'model x item', 'samples (residual)', 'ICC (models)', 'G coefficient', 'G design', 'notes'],
      vc.map((v) => {
        const f = v.fit;
        if (!f) return [labelOf.get(v.dimension) ?? v.dimension, '', '', '', '', '', '', '', '', '', '', v.reason ?? ''];
        return [
          labelOf.get(v.dimension) ?? v.dimension, String(f.n_models), String(f.n_items), String(f.n_obs),
          pct(f.proportions.model), pct(f.proportions.item), f.proportions.interaction === null ? 'in residual' : pct(f.proportions.interaction), pct(f.proportions.residual),
          f.icc_model, f.g_coefficient ?? 'n/a', `${num(f.g_design.n_items, 1)} items x ${num(f.g_design.n_samples, 1)} samples`, f.notes.join(' '),
        ];
      }),
    ),
  );
  return parts;
}

/** What a comparison allows a reader to conclude, in words. */
function verdict(c: TagComparison): string {
  if (c.p === null) return `too small for any test (${c.n_a} vs ${c.n_b} models)`;
  if (!c.testable) return `no test can reach significance (${c.n_a} vs ${c.n_b} models: smallest possible p ${pValue(c.p_min)})`;
  if (c.significant_adjusted) return 'significant after adjustment';
  if (c.significant) return 'p < alpha, not after adjustment';
  return 'not significant';
}

function comparisonSection(comparisons: readonly TagComparison[], family: ComparisonFamilySummary | undefined, labelOf: ReadonlyMap<string, string>): string[] {
  if (comparisons.length === 0 && !family?.skipped_tags.length) return [];
  const parts = ['<h3>Group comparisons (the model is the unit)</h3>'];
  parts.push(
    `<p class="muted">Each model is one observation: its score is the mean over its items of its item means, however many items and samples stand behind it. p is a two-sided permutation p over the relabelings of the models (exact when there are at most 100,000, else Monte Carlo with its standard error); p min is the smallest p the design can reach (with 3 vs 2 models, 0.2: no outcome could be significant). Intervals are two-stage bootstrap 95% intervals (models within groups, then items).${family ? ` Family: ${escapeHtml(family.description)}; alpha ${escapeHtml(family.alpha)}.` : ''}</p>`,
  );
  if (comparisons.length > 0) {
    parts.push(
      table(
        ['tag', 'group a (models)', 'group b (models)', 'dimension', 'mean a', 'mean b', 'difference [95%]', "Hedges' g [95%]", 'p', 'p min', `p (${family?.method ?? 'adjusted'})`, 'verdict'],
        comparisons.map((c) => [
          c.tag, `${c.a} (${c.n_a})`, `${c.b} (${c.n_b})`, labelOf.get(c.dimension) ?? c.dimension, c.mean_a, c.mean_b,
          `${num(c.diff)}${c.interval ? ` [${num(c.interval.diff.lower)}, ${num(c.interval.diff.upper)}]` : ''}`,
          c.hedges_g === null ? 'n/a' : `${num(c.hedges_g, 2)}${c.interval?.hedges_g ? ` [${num(c.interval.hedges_g.lower, 2)}, ${num(c.interval.hedges_g.upper, 2)}]` : ''}`,
          c.p === null ? 'no test' : `${pValue(c.p)}${c.method === 'monte-carlo' ? ` (MC se ${pValue(c.mc_se)})` : ''}`,
          pValue(c.p_min), c.p_adjusted === null ? '' : pValue(c.p_adjusted), verdict(c),
        ]),
      ),
    );
  }
  if (family?.skipped_tags.length) parts.push(`<p class="muted">Tags not compared: ${family.skipped_tags.map((t) => `<code>${escapeHtml(t.tag)}</code> (${escapeHtml(t.reason)})`).join('; ')}.</p>`);
  return parts;
}

function retestSection(r: RetestResult, labelOf: ReadonlyMap<string, string>): string[] {
  return [
    '<h3>Test-retest stability</h3>',
    `<p class="muted">${escapeHtml(r.design)} (${escapeHtml(r.n_samples[0])} and ${escapeHtml(r.n_samples[1])} completions). Per dimension, the unit is the model: ICC(2,1) is the absolute agreement of a model's score across the two administrations (with its 95% interval), Spearman's rho the stability of the models' rank order (permutation p). Per model, ipsative stability is the correlation of its profile across the administrations (the unit is the dimension).</p>`,
    table(
      ['dimension', 'models', 'ICC(2,1)', '95% low', '95% high', "Spearman's rho", 'p', 'note'],
      r.per_dimension.map((d) => [labelOf.get(d.dimension) ?? d.dimension, String(d.n_models), d.icc?.icc ?? '', d.icc?.lower ?? '', d.icc?.upper ?? '', d.spearman?.rho ?? '', d.spearman ? `${pValue(d.spearman.p)}${d.spearman.method === 'exact' ? ' (exact)' : ''}` : '', d.reason ?? '']),
    ),
    table(['model', 'dimensions', 'ipsative stability r', 'note'], r.per_model.map((m) => [m.model, String(m.n_dimensions), m.r ?? '', m.reason ?? ''])),
  ];
}

function stabilityParagraph(judge: string, f: JudgeStability, what: string): string[] {
  const status = f.status === 'deterministic' ? '<strong>deterministic</strong>' : f.status === 'unstable' ? '<strong>unstable</strong>' : escapeHtml(f.status);
  const parts = [
    `<p>${escapeHtml(what)} of <code>${escapeHtml(judge)}</code> (${escapeHtml(f.k)} per completion${f.temperature !== null ? ` at temperature ${escapeHtml(f.temperature)}` : ''}, ${escapeHtml(f.n_completions)} completions): ${status}. ${escapeHtml(f.note)}.${
      f.flips.unstable_items.length ? ` <strong>Unstable items</strong> (flip rate above ${escapeHtml(100 * f.flips.threshold)}%): ${f.flips.unstable_items.map((i) => `<code>${escapeHtml(i)}</code>`).join(', ')}.` : ''
    }</p>`,
  ];
  parts.push(table(['dimension', 'flip rate (completions)', "Krippendorff's alpha"], Object.entries(f.flips.per_dimension).map(([d, r]) => [d, r, f.agreement[d] ?? 'n/a (no variation)'])));
  return parts;
}

/** Planted vs recovered (simulated runs with a known truth): the method's self-test, with its criteria and what it did not recover. */
function plantedHtml(p: NonNullable<ReportModel['planted_vs_recovered']>): string[] {
  const parts = [
    '<h2>Planted vs recovered (SIMULATED self-test of the method)</h2>',
    `<p class="banner">SIMULATED: this run's models are synthetic, drawn from population seed ${escapeHtml(p.seed)} with a known planted structure. This section tests what the method can and cannot recover; it is not a finding about any model.</p>`,
    `<p><strong>Structure: ${escapeHtml(p.verdict.structure)}. Model order by projective profiles: ${escapeHtml(p.verdict.profiles)}.</strong> ${escapeHtml(p.verdict.summary)}.</p>`,
    table(
      ['quantity', 'planted', 'recovered'],
      [
        ['dimensions', String(p.dimensions.planted), String(p.dimensions.recovered)],
        ['planted words kept by the taxonomy', String(p.words.planted), String(p.words.kept)],
        ['adjusted Rand index of the word partition (kept planted words)', '1', p.words.ari ?? 'n/a'],
        ['words on the taxonomy dimensions that no planted dimension holds', '', String(p.words.unplanted)],
      ],
    ),
    '<h3>Matched dimensions (by word overlap)</h3>',
    table(['planted', 'taxonomy dimension', 'shared words', 'planted words'], p.matching.map((m) => [m.planted, m.recovered ?? 'none', String(m.shared_words), String(m.planted_words)])),
  ];
  if (p.ranks.length) parts.push('<p class="muted">Spearman rank correlation across models of the planted trait with the measured score (unit: models; p by the t approximation).</p>', table(['source', 'planted', 'taxonomy dimension', "Spearman's rho", 'p', 'n (models)', 'order recovered'], p.ranks.map((r) => [r.source, r.planted, r.recovered, r.rho ?? 'n/a', r.p ?? 'n/a', String(r.n), r.recovered_rank ? 'yes' : 'no'])));
  if (p.null_check) {
    const n = p.null_check;
    parts.push('<h3>Null check: random tags</h3>', `<p>${escapeHtml(n.tags)} random two-level tags (balanced halves of the ${escapeHtml(n.n_models)} models, drawn from the seed) compared on every dimension by the same model-level test as the real tags: ${escapeHtml(n.significant_raw)} of ${escapeHtml(n.family_size)} comparisons had p &le; ${escapeHtml(n.alpha)} (expected at most ${escapeHtml(num(n.expected_raw, 1))}), ${escapeHtml(n.significant_adjusted)} after ${escapeHtml(n.correction)}. ${escapeHtml(n.note)}.</p>`);
  }
  if (p.verdict.not_recovered.length) parts.push(`<p><strong>Not recovered:</strong></p><ul>${p.verdict.not_recovered.map((x) => `<li>${escapeHtml(x)}</li>`).join('')}</ul>`);
  parts.push(`<p class="muted">Criteria: ${escapeHtml(p.criteria)}.</p>`);
  return parts;
}

/** The judge as an instrument: stability, bias checks, agreement between judges, calibration. */
function judgeQualitySection(q: JudgeQuality): string[] {
  const measured = [
    ...(q.repeats > 0 ? [`${escapeHtml(q.repeats)} repeats per completion${q.repeat_temperature !== null ? ` at temperature ${escapeHtml(q.repeat_temperature)}` : ''}`] : []),
    ...(q.variants > 0 ? [`${escapeHtml(q.variants)} paraphrased instructions`] : []),
  ];
  const parts = [
    '<h3>Judge quality</h3>',
    `<p>Several judges combined by ${escapeHtml(q.combine)}. Each score is the judge's own answer at its temperature${measured.length ? `; ${measured.join(' and ')} only measure it` : '; set projective.judge_repeats (and judge_variants) to measure its stability'}.</p>`,
  ];
  for (const [judge, f] of Object.entries(q.stability ?? {})) parts.push(...stabilityParagraph(judge, f, 'Stability under repeats'));
  for (const [judge, f] of Object.entries(q.wording ?? {})) parts.push(...stabilityParagraph(judge, f, 'Sensitivity to the wording of the instructions'));
  const effects: unknown[][] = [];
  for (const [judge, e] of Object.entries(q.order ?? {})) for (const [d, x] of Object.entries(e)) effects.push([judge, 'order (reversed dimensions)', d, `shift ${num(x.mean_shift)}, changed ${num(100 * x.changed, 1)}%`, x.d]);
  for (const [judge, e] of Object.entries(q.length ?? {})) for (const [d, x] of Object.entries(e)) effects.push([judge, 'length (Spearman r)', d, `r ${num(x.r)}, p ${num(x.p)}`, x.r]);
  for (const [judge, e] of Object.entries(q.self_preference ?? {})) for (const [d, x] of Object.entries(e)) effects.push([judge, 'self-preference', d, `own - others ${num(x.difference)}`, x.d]);
  if (effects.length) parts.push('<h4>Bias checks</h4>', table(['judge', 'check', 'dimension', 'effect', 'effect size'], effects));
  const injection = Object.entries(q.injection ?? {});
  if (injection.length) {
    parts.push(
      '<h4>Injection check</h4>',
      `<p class="muted">A sample of completions scored again with <code>${escapeHtml(injection[0]![1].instruction)}</code> appended inside the fenced text. What is measured is how this judge answered this instruction on these texts, not resistance to every instruction: the fence and the nonce are a design, this table is the evidence. The unit of the interval and the sign test is the completion.</p>`,
      table(
        ['judge', 'completions', 'scores changed', 'followed (of scores not already at the target)', 'completions changed (95% CI)', 'toward / away (completions)', 'mean shift', 'sign test p'],
        injection.map(([j, e]) => [j, String(e.n_completions), `${num(100 * e.changed_scores, 1)}%`, e.followed === null ? 'NA' : `${num(100 * e.followed, 1)}% of ${e.open_scores}`, `${e.changed_completions.k}/${e.changed_completions.n} [${num(100 * (e.changed_completions.ci_low ?? 0), 1)}%, ${num(100 * (e.changed_completions.ci_high ?? 1), 1)}%]`, `${e.sign_test.toward} / ${e.sign_test.away}`, e.mean_shift, e.sign_test.p]),
      ),
      ...injection.map(([j, e]) => `<p><code>${escapeHtml(j)}</code>: ${e.significant ? '<strong>follows injected instructions</strong>: ' : ''}${escapeHtml(e.reading)}.</p>`),
    );
  }
  if (q.pairwise_kappa?.length) parts.push('<h4>Agreement between judges</h4>', table(['judge a', 'judge b', 'dimension', "Cohen's kappa", 'completions'], q.pairwise_kappa.map((k) => [k.a, k.b, k.dimension, k.kappa ?? 'NA', String(k.n ?? '')])));
  if (q.calibration) {
    const c = q.calibration;
    parts.push(`<h4>Calibration on ${escapeHtml(c.pairs)} labeled pairs</h4>`, table(['judge', 'accuracy'], Object.entries(c.accuracy).map(([j, a]) => [j, a.overall])));
    parts.push(table(['judge', 'model', 'dimension', 'raw mean', 'corrected mean', '95% low', '95% high', 'n'], c.corrected.map((r) => [r.judge, r.model, r.dimension, r.raw, r.corrected, r.ci_low, r.ci_high, String(r.n)])));
  }
  return parts;
}

/**
 * Alignment: the held-out gain first (before and after re-scored by a measurement the selection
 * never saw), the selection-time gain beside it as what the winner's curse inflates, refusal shares,
 * and the labels a reader must not miss (self-judged, simulated, measurement not independent).
 */
async function alignSection(align: NonNullable<ReportModel['align']>): Promise<string[]> {
  const parts: string[] = [];
  parts.push(
    '<h2>Value alignment</h2><p class="muted">Gain = loss before (the plain answer) minus loss after (what the strategy delivers); positive = closer to the target. ' +
      'The <b>held-out gain</b> re-scores before and after with a measurement the selection never saw (an independent evaluator, or fresh calls of the selecting judge): it is the number to report. ' +
      'The selection-time gain re-reads the scores the strategy chose on; for best-of-n and revise it is biased upward even when no answer is truly better. Intervals: bootstrap 95% over prompts. ' +
      'Empty answers, refusals, evasions and answers expressing no value are never chosen over a substantive answer unless refusals are allowed.</p>',
  );
  // Runs written before held-out measurement existed carry only the selection-time numbers.
  const held = align.filter((a) => a.gain_held_out !== undefined);
  for (const a of align) {
    if (a.self_judged) parts.push(`<p class="banner">SELF-JUDGED: ${escapeHtml(a.model)} judged its own answers (${escapeHtml(a.strategy)}, --allow-self-judge).</p>`);
    if (a.gain_held_out === undefined) parts.push(`<p class="banner">${escapeHtml(a.strategy)} on ${escapeHtml(a.model)}: written by an earlier version without a held-out measurement; its improvement is the selection-time one, biased upward. Re-run align.</p>`);
  }
  if (held.some((a) => a.simulated)) parts.push('<p class="banner">SIMULATED models took part in alignment: these numbers test the method and say nothing about real models.</p>');
  if (held.length > 0) {
    const bars = held.flatMap((a) => [
      { run: `${a.strategy} · ${a.model}`, gain: 'held-out', mean: a.gain_held_out.mean, low: a.gain_held_out.ci_low, high: a.gain_held_out.ci_high },
      { run: `${a.strategy} · ${a.model}`, gain: 'selection-time', mean: a.gain_selection.mean, low: a.gain_selection.ci_low, high: a.gain_selection.ci_high },
    ]);
    parts.push(
      await chart({
        width: 420,
        height: 30 * bars.length,
        data: { values: bars },
        encoding: { y: { field: 'run', type: 'nominal', title: null }, yOffset: { field: 'gain', sort: ['held-out', 'selection-time'] }, color: { field: 'gain', type: 'nominal', sort: ['held-out', 'selection-time'] } },
        layer: [
          { mark: 'rule', encoding: { x: { field: 'low', type: 'quantitative', title: 'gain (before - after), 95% CI' }, x2: { field: 'high' } } },
          { mark: { type: 'point', filled: true }, encoding: { x: { field: 'mean', type: 'quantitative' } } },
          { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', strokeDash: [3, 3], color: '#888' }, encoding: { x: { field: 'zero', type: 'quantitative' } } },
        ],
      } as TopLevelSpec),
    );
    const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(0)}%` : 'n/a');
    parts.push(
      table(
        ['strategy', 'model', 'objective', 'selected by', 'measured by', 'prompts', 'held-out gain', '95% low', '95% high', 'selection-time gain', '95% low', '95% high', 'refusals before', 'refusals after', 'excluded', 'plain kept', 'requests', 'tokens in', 'tokens out'],
        held.map((a) => [
          a.strategy,
          `${a.model}${a.self_judged ? ' (SELF-JUDGED)' : ''}`,
          a.objective,
          a.evaluator,
          `${a.measurement.evaluator}${a.measurement.independent ? '' : ' (fresh calls, not independent)'}`,
          String(a.measured),
          a.gain_held_out.mean,
          a.gain_held_out.ci_low,
          a.gain_held_out.ci_high,
          a.gain_selection.mean,
          a.gain_selection.ci_low,
          a.gain_selection.ci_high,
          pct(a.refusal_share_before),
          pct(a.refusal_share_after),
          String(a.excluded_candidates),
          String(a.fallbacks),
          String(a.cost.requests),
          String(a.cost.input_tokens),
          String(a.cost.output_tokens),
        ]),
      ),
    );
  }
  parts.push(`<p>Target: <code>${escapeHtml(JSON.stringify(align[0]!.target))}</code></p>`);
  return parts;
}

/** The taxonomy as a reader of the paper checks it: unit, reduction, factor count, structure, fit, held-out models. */
async function taxonomyHtml(tax: TaxonomySection): Promise<string[]> {
  const parts: string[] = ['<h2>Value taxonomy</h2>'];
  const roots = tax.dimensions.filter((d) => d.parent === null);
  const u = tax.unit;
  const r = tax.reduction;
  const fc = tax.factor_count;
  parts.push(`<p>${escapeHtml(tax.nfactors)} dimension${tax.nfactors === 1 ? '' : 's'} from the ${escapeHtml(tax.source === 'elicitation' ? "respondent x term matrix of the elicitation (the paper's source)" : 'ratings')}, ${escapeHtml(tax.correlation ?? '')} correlations; KMO ${escapeHtml(num(tax.kmo, 2))} (on Pearson correlations of the same data: a smoothed tetrachoric or polychoric matrix inflates the partial correlations KMO rests on), Bartlett p ${escapeHtml(typeof tax.bartlett?.p === 'number' ? tax.bartlett.p.toExponential(2) : '')}.</p>`);
  if (tax.status === 'no-structure') parts.push(`<p class="banner">No value structure is claimed: ${escapeHtml(tax.status_reason ?? '')}. The lexicon above is what these data support.</p>`);
  else if (tax.adequate === false) parts.push('<p class="banner">The data are below the usual adequacy thresholds (KMO &lt; 0.50 or Bartlett p &gt; 0.05); the structure below is reported because the study allowed it, and is weak.</p>');
  if (u) {
    parts.push('<h3>Unit of analysis</h3>');
    const unitText = u.respondent === 'model x prompt'
      ? `Each respondent is one model answering one prompt, as in the paper: ${u.respondents} respondents (${u.models} models x ${u.prompts ?? '?'} prompts). A respondent's ${u.samples_per_respondent ?? 1} samples are repeated measurements of it, not further respondents: its row ${u.cells === 'any' ? 'marks a term named in any sample (tetrachoric correlations)' : 'counts in how many samples it named each term (polychoric correlations)'}.`
      : `Each respondent is one sampled rating respondent of a model: ${u.respondents} respondents from ${u.models} models.`;
    parts.push(`<p>${escapeHtml(unitText)}</p>`);
    const rel = u.row_reliability;
    if (rel) {
      parts.push(`<p>Reliability of each row (agreement of a respondent's samples with each other, mean pairwise Jaccard of the analysed terms they named): median ${escapeHtml(num(rel.median, 2))}, quartiles ${escapeHtml(num(rel.q1, 2))}-${escapeHtml(num(rel.q3, 2))}, range ${escapeHtml(num(rel.min, 2))}-${escapeHtml(num(rel.max, 2))} over ${escapeHtml(rel.respondents)} respondents.</p>`);
      parts.push(table(['model', 'mean row reliability'], Object.entries(rel.per_model).map(([m, v]) => [m, v])));
    }
  }
  if (r) {
    parts.push('<h3>From elicited words to analysed terms</h3>');
    parts.push(table(['step', 'count', 'rule'], [
      ['value descriptors elicited', String(r.descriptors), 'every accepted value word of every parsed answer'],
      ['unique terms', String(r.unique_terms), 'after normalization (lemmas, spelling variants, synonym merges)'],
      ['lexicon', String(r.lexicon_terms), `named in >= ${r.min_count} answers by >= ${r.min_models} models`],
      ['analysed', String(r.analysed), `${r.min_respondents ? `named (and not named) by >= ${r.min_respondents} respondents; ` : ''}varying; at most ${r.max_terms} (${r.too_rare} too rare, ${r.over_max} over the cap${r.low_msa ? `, ${r.low_msa.length} with a measure of sampling adequacy below ${r.min_msa}` : ''})`],
    ]));
    if (r.low_msa && r.low_msa.length > 0) parts.push(`<p class="muted">Dropped one at a time, worst first, for their own measure of sampling adequacy (MSA) below ${escapeHtml(r.min_msa)}: ${escapeHtml(r.low_msa.map((x) => `${x.term} (${num(x.msa, 2)})`).join(', '))}. KMO before: ${escapeHtml(num(r.kmo_before_msa, 2))}; after: ${escapeHtml(num(tax.kmo, 2))}.</p>`);
  }
  if (fc && fc.iter > 0) {
    parts.push('<h3>How many dimensions</h3>');
    parts.push(`<p>${escapeHtml(fc.rule)}. Chosen: ${escapeHtml(fc.chosen)}.</p>`);
    parts.push(table(['evidence', 'dimensions suggested'], [
      [`parallel analysis, factors (permutation null, ${fc.iter} data sets, ${Math.round(100 * fc.quantile)}th percentile)`, String(fc.parallel)],
      ['parallel analysis, components', String(fc.parallel_components)],
      ["Velicer's MAP (squared partials)", fc.map === null ? 'n/a' : String(fc.map)],
      ["Velicer's MAP (4th power)", fc.map4 === null ? 'n/a' : String(fc.map4)],
      ['eigenvalues > 1 (shown for reference; keeps too many)', String(fc.kaiser)],
    ]));
    const values = fc.scree.slice(0, 15).flatMap((p) => [
      { k: p.k, eigenvalue: p.fa, series: 'factors' },
      { k: p.k, eigenvalue: p.faThreshold, series: 'null (95th pct)' },
      { k: p.k, eigenvalue: p.pc, series: 'components' },
    ]);
    parts.push(await chart({ width: 480, height: 240, data: { values }, mark: { type: 'line', point: true }, encoding: { x: { field: 'k', type: 'ordinal', title: 'factor' }, y: { field: 'eigenvalue', type: 'quantitative' }, color: { field: 'series', type: 'nominal' } } }));
  } else if (tax.scree && tax.scree.observed.length > 0) {
    const values = tax.scree.observed.slice(0, 15).flatMap((v, i) => [
      { k: i + 1, eigenvalue: v, series: 'observed' },
      ...(tax.scree!.parallel?.[i] !== undefined ? [{ k: i + 1, eigenvalue: tax.scree!.parallel[i]!, series: 'parallel analysis' }] : []),
    ]);
    parts.push('<h3>Scree plot</h3>');
    parts.push(await chart({ width: 480, height: 240, data: { values }, mark: { type: 'line', point: true }, encoding: { x: { field: 'k', type: 'ordinal', title: 'factor' }, y: { field: 'eigenvalue', type: 'quantitative' }, color: { field: 'series', type: 'nominal' } } }));
  }
  if (roots.length > 0) {
    parts.push('<h3>Dimensions and subdimensions</h3>');
    const ruleOf = new Map((tax.subdimensions ?? []).map((s) => [s.dimension, s]));
    parts.push(
      `<ul class="tree">${roots
        .map((d) => {
          const split = ruleOf.get(d.id);
          const bipolar = Object.values(d.loadings).some((l) => l < 0);
          const words = Object.entries(d.loadings).map(([w, l]) => (bipolar ? `${l < 0 ? '-' : '+'}${w}` : w));
          return `<li><b>${escapeHtml(d.label)}</b> <span class="muted">(${escapeHtml(d.id)}${bipolar ? ', bipolar' : ''}, alpha ${escapeHtml(num(tax.alpha[d.id], 2))})</span>: ${escapeHtml(words.join(', '))}${split ? ` <span class="muted">[subdimensions: k = ${escapeHtml(split.k)}; ${escapeHtml(split.rule)}]</span>` : ''}<ul>${tax.dimensions
            .filter((s) => s.parent === d.id)
            .map((s) => `<li>${escapeHtml(s.label)}: ${escapeHtml(s.words.join(', '))}</li>`)
            .join('')}</ul></li>`;
        })
        .join('')}</ul>`,
    );
    const cells = roots.flatMap((d) => Object.entries(d.loadings).map(([word, loading]) => ({ word, dimension: d.label, loading })));
    if (cells.length > 0) {
      parts.push('<h3>Loadings</h3>');
      parts.push(
        await chart({
          width: 80 * roots.length,
          height: 14 * cells.length,
          data: { values: cells },
          mark: 'rect',
          encoding: { x: { field: 'dimension', type: 'nominal', title: null }, y: { field: 'word', type: 'nominal', title: null, sort: null }, color: { field: 'loading', type: 'quantitative', scale: { scheme: 'redblue', domain: [-1, 1], reverse: true } } },
        }),
      );
    }
    const points = wordMap(roots);
    if (points.length > 0) {
      parts.push('<h3>Map of value words</h3><p class="muted">PCA of each word\'s loadings over the dimensions, coloured by the dimension it was assigned to.</p>');
      parts.push(
        await chart({
          width: 560,
          height: 380,
          data: { values: points },
          layer: [
            { mark: { type: 'circle', size: 60 }, encoding: { x: { field: 'x', type: 'quantitative', title: 'PC1' }, y: { field: 'y', type: 'quantitative', title: 'PC2' }, color: { field: 'dimension', type: 'nominal' } } },
            { mark: { type: 'text', dx: 6, align: 'left', fontSize: 9 }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, text: { field: 'word' }, color: { field: 'dimension', type: 'nominal' } } },
          ],
        } as TopLevelSpec),
      );
    }
  }
  const v = tax.validation;
  // Runs made before validation over models kept a split-half validation: still shown.
  const legacy = tax.validation as unknown as { efa_half?: number; cfa_half?: number; fit?: Record<string, number | null> | null } | null;
  const pooled = v && 'folds' in v ? v.pooled : undefined;
  if (tax.alpha && Object.keys(tax.alpha).length > 0) {
    parts.push('<h3>Reliability and overlap with Schwartz</h3><p class="muted">In sample: on the respondents that defined the dimensions. Held-out models: each dimension\'s items as the EFA of the other models defined them, scored on the held-out models\' respondents (mean over folds).</p>');
    parts.push(
      table(
        ['dimension', "alpha (in sample)", "omega (in sample)", 'alpha (held-out models)', 'omega (held-out models)', 'nearest Schwartz value (share of words)'],
        Object.keys(tax.alpha).map((d) => {
          const o = tax.schwartz_overlap?.find((x) => x.dimension === d);
          return [d, tax.alpha[d], tax.omega?.[d] ?? '', pooled?.alpha[d] ?? '', pooled?.omega[d] ?? '', o ? `${o.top} (${num(100 * o.share, 0)}%)` : ''];
        }),
      ),
    );
  }
  if (tax.comparison) parts.push(`<p>Tucker congruence with <code>${escapeHtml(tax.comparison.file)}</code> on ${escapeHtml(tax.comparison.shared_terms)} shared words:</p>`, table(['dimension', 'matched dimension', 'congruence'], tax.comparison.pairs.map((p) => [p.dimension, p.other, p.congruence])));
  const fitRow = (name: string, f: NonNullable<TaxonomySection['ordinal_fit']>): unknown[] => [name, String(f.n), String(f.items), String(f.factors), `${num(f.chisq_scaled, 1)} / ${num(f.df_scaled, 1)}`, f.p_scaled ?? '', f.cfi_scaled, f.tli_scaled, f.rmsea_scaled, f.srmr];
  const fitHeaders = ['structure', 'respondents', 'items', 'factors', 'scaled chi-square / df', 'p', 'CFI (scaled)', 'TLI (scaled)', 'RMSEA (scaled)', 'SRMR'];
  if (tax.ordinal_fit || tax.schwartz_fit) {
    parts.push('<h3>Ordinal confirmatory fit</h3><p class="muted">CFA of ordinal items by DWLS with the robust (mean- and variance-adjusted, scaled-shifted) test, as lavaan\'s WLSMV with ordered items, on the 8 strongest items of each factor. In sample for the taxonomy (its own respondents); Schwartz\'s structure (each word under its nearest Schwartz value) is not fitted to these data, so its fit is out of sample.</p>');
    const rows: unknown[][] = [];
    if (tax.ordinal_fit) rows.push(fitRow('this taxonomy (in sample)', tax.ordinal_fit));
    if (tax.schwartz_fit?.fit) rows.push(fitRow(`Schwartz (${Object.keys(tax.schwartz_fit.factors).length} values)`, tax.schwartz_fit.fit));
    if (rows.length > 0) parts.push(table(fitHeaders, rows));
    if (tax.ordinal_fit_error) parts.push(`<p class="muted">The taxonomy's CFA did not run: ${escapeHtml(tax.ordinal_fit_error)}</p>`);
    if (tax.schwartz_fit && !tax.schwartz_fit.fit) parts.push(`<p class="muted">Schwartz's structure: the data do not support it (${escapeHtml(tax.schwartz_fit.error ?? '')}).</p>`);
  }
  if (v && 'folds' in v) {
    parts.push(`<h3>Validation on held-out models</h3><p>The models were split into ${escapeHtml(v.k)} folds. For each fold the EFA was run on the other models' respondents only; its structure was then checked on the held-out models' respondents: Tucker congruence with an EFA of the held-out respondents, and the WLSMV CFA of the training structure. Pooled over folds: congruence mean ${escapeHtml(num(v.pooled.congruence_mean, 2))} (lowest ${escapeHtml(num(v.pooled.congruence_min, 2))}); CFA on ${escapeHtml(v.pooled.cfa_folds)} folds, summed scaled chi-square ${escapeHtml(num(v.pooled.chisq_scaled, 1))} on ${escapeHtml(num(v.pooled.df_scaled, 1))} df (p ${escapeHtml(num(v.pooled.p_scaled, 3))}), mean CFI ${escapeHtml(num(v.pooled.cfi_scaled, 3))}, TLI ${escapeHtml(num(v.pooled.tli_scaled, 3))}, RMSEA ${escapeHtml(num(v.pooled.rmsea_scaled, 3))}, SRMR ${escapeHtml(num(v.pooled.srmr, 3))}.</p>`);
    parts.push(
      table(
        ['fold', 'held-out models', 'training respondents', 'held-out respondents', 'congruence per dimension', 'CFI (scaled)', 'RMSEA (scaled)', 'SRMR', 'note'],
        v.folds.map((f) => [String(f.fold), f.held_out_models.join(', '), String(f.train_respondents), String(f.test_respondents), Object.entries(f.congruence).map(([d, c]) => `${d} ${num(c, 2)}`).join('; '), f.fit?.cfi_scaled ?? '', f.fit?.rmsea_scaled ?? '', f.fit?.srmr ?? '', f.error ?? '']),
      ),
    );
  } else if (legacy?.fit) {
    parts.push(`<p>Split-half validation (EFA on ${escapeHtml(legacy.efa_half ?? '')} respondents, CFA on ${escapeHtml(legacy.cfa_half ?? '')}; same models in both halves): CFI ${escapeHtml(num(legacy.fit.cfi))}, RMSEA ${escapeHtml(num(legacy.fit.rmsea))}, SRMR ${escapeHtml(num(legacy.fit.srmr))}.</p>`);
  } else if (tax.validation_note) parts.push(`<p class="muted">Validation on held-out models not run: ${escapeHtml(tax.validation_note)}.</p>`);
  const src = tax.sources;
  if (src) {
    parts.push(`<h3>Agreement with the ${escapeHtml(src.other)}</h3><p>The ${escapeHtml(src.other)} were factored on their own (own parallel analysis: ${escapeHtml(src.nfactors)} factors) on the ${escapeHtml(src.shared_terms)} words both sources analyse; each dimension's Tucker congruence with its matched factor there (0.85-0.94 fair similarity, >= 0.95 equal, Lorenzo-Seva & ten Berge 2006). Agreement between methods is evidence; disagreement is a finding.${src.note ? ` ${escapeHtml(src.note)}.` : ''}</p>`);
    parts.push(table(['dimension', 'matched factor', 'congruence'], src.pairs.map((p) => [p.dimension, p.other_factor === null ? 'none' : String(p.other_factor), p.congruence ?? ''])));
  }
  const st = tax.response_style;
  if (st) {
    parts.push(`<h3>Response style in the ratings</h3><p>${escapeHtml(st.pairs)} balanced pairs (a term and an antonym or reversed item, never in the lexicon) measure acquiescence: the mean of a pair's two ratings minus the scale midpoint (${escapeHtml((st.scale + 1) / 2)}). Straight-lining: share of a model's respondents giving one rating to >= 90% of the words.</p>`);
    parts.push(table(['model', 'respondents', 'acquiescence', 'straight-lining', 'mean SD of ratings'], st.models.map((m) => [m.model, String(m.respondents), m.acquiescence ?? '', m.straight_lining, m.mean_sd ?? ''])));
    if (st.variance_explained.length > 0) parts.push('<p>Share of the between-model variance of the rating scores that acquiescence explains (r² across models, t-test of r):</p>', table(['score', 'models', 'r²', 'r', 'p'], st.variance_explained.map((x) => [x.dimension === 'all' ? 'all lexicon words' : x.dimension, String(x.models), x.r2, x.r, x.p])));
    if (st.ipsatized) parts.push(`<p>The ratings' own structure: ${escapeHtml(st.raw_nfactors ?? '')} factors raw; ${escapeHtml(st.ipsatized.nfactors)} after ipsatizing (each respondent's ratings centred on its own mean over every item it rated, as Schwartz's MRAT correction).${st.ipsatized.error ? ` ${escapeHtml(st.ipsatized.error)}` : ''}</p>`, st.ipsatized.congruence.length > 0 ? table(['dimension', 'congruence with the ipsatized ratings'], st.ipsatized.congruence.map((c) => [c.dimension, c.congruence ?? 'none'])) : '');
  }
  const rt = tax.retest;
  if (rt) {
    parts.push('<h3>Test-retest of the rating scores</h3><p class="muted">A second, independent administration (other seeds and item order). Per dimension, the models\' scores in the two runs: ICC(2,1) (absolute agreement) with its 95% interval and the rank-order stability of the models (Spearman). Per model, the ipsative stability of its profile.</p>');
    parts.push(table(['dimension', 'models', 'ICC(2,1)', '95% low', '95% high', 'Spearman', 'p'], rt.dimensions.map((d) => [d.dimension, String(d.models), d.icc, d.icc_low, d.icc_high, d.spearman ?? '', d.spearman_p ?? ''])));
    parts.push(table(['model', 'ipsative stability (r)'], rt.ipsative.map((m) => [m.model, m.r ?? 'n/a'])));
  }
  if (tax.warnings && tax.warnings.length > 0) parts.push(`<details><summary>Notes from the analysis (${escapeHtml(tax.warnings.length)})</summary><ul>${tax.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul></details>`);
  return parts;
}
