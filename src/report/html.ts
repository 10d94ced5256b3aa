/**
 * The report as one self-contained HTML file: inline CSS, charts rendered server-side by vega-lite
 * to inline SVG (they print, and open with no network), tables of the same numbers, provenance.
 * Every piece of text from the run (model names, words, completions) is escaped; the page carries
 * no script at all, and a CSP forbids one.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ReportModel } from './model.js';
import { radarSvg, wordMap } from './charts.js';
import { escapeHtml } from './escape.js';
import { choicesHtml, mtmmHtml } from './html-validity.js';
import type { ValueAnalysis } from '../evaluation/analysis.js';
import type { JudgeQuality } from '../study/stages/projective/stage.js';

export { escapeHtml };

async function chart(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  // Defence in depth: vega escapes text, but nothing executable may survive in any case.
  return svg.replace(/<script[\s\S]*?<\/script>/gi, '').replace(/\son\w+\s*=/gi, ' data-removed=');
}

const num = (v: unknown, d = 3): string => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(d) : '');

function table(headers: string[], rows: unknown[][]): string {
  return `<table><thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${typeof c === 'number' ? escapeHtml(num(c)) : escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

export async function renderHtml(model: ReportModel): Promise<string> {
  const parts: string[] = [];
  const simulated = (model.simulated_models ?? []).length > 0;
  parts.push(`<h1>ValueLex report: ${escapeHtml(model.study)}</h1>`);
  if (simulated) {
    parts.push(
      `<p class="banner">SIMULATED: ${escapeHtml((model.simulated_models ?? []).join(', '))} ${(model.simulated_models ?? []).length === 1 ? 'is a' : 'are'} synthetic stand-in model${(model.simulated_models ?? []).length === 1 ? '' : 's'} from the built-in simulated population, not real language models. Their answers illustrate the method only.</p>`,
    );
  }
  parts.push(`<p>Models: ${model.models.map((m) => `<code>${escapeHtml(m)}</code>`).join(', ')}</p>`);

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
  if (tax) {
    parts.push('<h2>Value taxonomy</h2>');
    parts.push(`<p>${escapeHtml(tax.nfactors)} dimensions from ${escapeHtml(tax.source ?? '')} (${escapeHtml(tax.correlation ?? '')} correlations); KMO ${escapeHtml(num(tax.kmo, 2))}.</p>`);
    const roots = tax.dimensions.filter((d) => d.parent === null);
    parts.push(
      `<ul class="tree">${roots
        .map(
          (d) =>
            `<li><b>${escapeHtml(d.label)}</b> <span class="muted">(${escapeHtml(d.id)}, alpha ${escapeHtml(num(tax.alpha[d.id], 2))})</span>: ${escapeHtml(d.words.join(', '))}<ul>${tax.dimensions
              .filter((s) => s.parent === d.id)
              .map((s) => `<li>${escapeHtml(s.label)}: ${escapeHtml(s.words.join(', '))}</li>`)
              .join('')}</ul></li>`,
        )
        .join('')}</ul>`,
    );
    if (tax.scree) {
      const values = tax.scree.observed.slice(0, 15).flatMap((v, i) => [
        { k: i + 1, eigenvalue: v, series: 'observed' },
        ...(tax.scree!.parallel?.[i] !== undefined ? [{ k: i + 1, eigenvalue: tax.scree!.parallel[i]!, series: 'parallel analysis' }] : []),
      ]);
      parts.push('<h3>Scree plot</h3>');
      parts.push(await chart({ width: 480, height: 240, data: { values }, mark: { type: 'line', point: true }, encoding: { x: { field: 'k', type: 'ordinal', title: 'factor' }, y: { field: 'eigenvalue', type: 'quantitative' }, color: { field: 'series', type: 'nominal' } } }));
    }
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
    if (tax.alpha && Object.keys(tax.alpha).length > 0) {
      parts.push('<h3>Reliability and overlap with Schwartz</h3>');
      parts.push(table(['dimension', "Cronbach's alpha", "McDonald's omega", 'nearest Schwartz value (share of words)'], Object.keys(tax.alpha).map((d) => { const o = tax.schwartz_overlap?.find((x) => x.dimension === d); return [d, tax.alpha![d], tax.omega?.[d] ?? '', o ? `${o.top} (${num(100 * o.share, 0)}%)` : '']; })));
    }
    if (tax.comparison) parts.push(`<p>Tucker congruence with <code>${escapeHtml(tax.comparison.file)}</code> on ${escapeHtml(tax.comparison.shared_terms)} shared words:</p>`, table(['dimension', 'matched dimension', 'congruence'], tax.comparison.pairs.map((p) => [p.dimension, p.other, p.congruence])));
    const fit = tax.validation?.fit;
    const sfit = tax.validation?.schwartz;
    if (fit) parts.push(`<p>Split-half validation (EFA on ${escapeHtml(tax.validation!.efa_half)} respondents, CFA on ${escapeHtml(tax.validation!.cfa_half)}): CFI ${escapeHtml(num(fit.cfi))}, TLI ${escapeHtml(num(fit.tli))}, RMSEA ${escapeHtml(num(fit.rmsea))} [${escapeHtml(num(fit.rmsea_lower))}, ${escapeHtml(num(fit.rmsea_upper))}], SRMR ${escapeHtml(num(fit.srmr))}.</p>`);
    if (fit && sfit) parts.push(`<p>Schwartz's structure on the same half (${escapeHtml(Object.keys(sfit.factors).length)} values, words grouped by their nearest Schwartz value): ${sfit.fit ? `CFI ${escapeHtml(num(sfit.fit.cfi))}, TLI ${escapeHtml(num(sfit.fit.tli))}, RMSEA ${escapeHtml(num(sfit.fit.rmsea))}, SRMR ${escapeHtml(num(sfit.fit.srmr))}` : `the data do not support it (${escapeHtml(sfit.error ?? '')})`}.</p>`);
  }

  const profiles = model.profiles;
  if (profiles && profiles.length > 0) {
    parts.push('<h2>Value profiles (projective tests)</h2>');
    const dims = model.profile_dimensions ?? [];
    const labelOf = new Map(dims.map((d) => [d.id, d.label]));
    const values = profiles.map((p) => ({ ...p, label: labelOf.get(p.dimension) ?? p.dimension }));
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
    parts.push(table(['model', 'dimension', 'mean', '95% low', '95% high', 'items'], values.map((p) => [p.model, p.label, p.mean, p.ci_low, p.ci_high, String(p.n)])));
    const comparisons = model.comparisons ?? [];
    if (comparisons.length > 0) {
      parts.push('<h3>Group comparisons</h3>');
      parts.push(table(['tag', 'group a', 'group b', 'dimension', 'mean a', 'mean b', "Cohen's d", "Cliff's delta", 'p', 'p (Holm)'], comparisons.map((c) => [c.tag, c.a, c.b, labelOf.get(c.dimension) ?? c.dimension, c.mean_a, c.mean_b, c.cohens_d, c.cliffs_delta, c.p, c.p_holm])));
    }
  }

  const retest = model.test_retest;
  if (retest && retest.length > 0) parts.push('<h3>Test-retest reliability</h3><p class="muted">Item x dimension means of even vs odd samples, correlated; Spearman-Brown corrected to all samples.</p>', table(['model', 'r (halves)', 'r (Spearman-Brown)', 'item x dimension cells'], retest.map((t) => [t.model, t.r, t.r_sb, String(t.n)])));
  const jq = model.judge_quality;
  if (jq) parts.push(...judgeQualitySection(jq));

  if (model.choices) parts.push(...(await choicesHtml(model.choices, simulated, { chart, table, num })));
  if (model.mtmm) parts.push(...(await mtmmHtml(model.mtmm, simulated, { chart, table, num })));

  const vv = model.value_vectors;
  if (vv && vv.profiles.length > 0) parts.push(...(await valueVectorSection(vv)));

  const align = model.align;
  if (align && align.length > 0) parts.push(...(await alignSection(align)));

  parts.push('<h2>Provenance and cost</h2>');
  parts.push(table(['model', 'requests', 'cached answers', 'errors', 'input tokens', 'output tokens', 'cost (USD)'], model.cost.per_model.map((c) => [c.model, String(c.requests), String(c.cached), String(c.errors), String(c.input_tokens), String(c.output_tokens), c.cost_usd])));
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
.muted{color:#777}.note{border-left:3px solid #e0b400;padding-left:.6em}td.convergent{background:#f3f3f3}code{background:#f5f5f5;padding:0 3px}svg{max-width:100%;height:auto}.radars{display:flex;flex-wrap:wrap;gap:1em}.radar{margin:0;text-align:center}
@media print{.banner{border:2px solid #000}}
</style></head><body>
${parts.join('\n')}
</body></html>
`;
}

/** FULCRA-style value vectors: per-source profiles, the value-by-risk heatmap, separation, 2-D map. */
async function valueVectorSection(vv: ValueAnalysis): Promise<string[]> {
  const parts = ['<h2>Basic values of model outputs</h2>', `<p>${escapeHtml(vv.pairs)} (prompt, response) pairs on ${escapeHtml(vv.values.length)} values; mean per source with bootstrap 95% intervals.</p>`];
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
  parts.push(table(['source', 'value', 'mean', '95% low', '95% high', 'opposes', 'supports', 'n'], vv.profiles.map((p) => [p.source, p.value, p.mean, p.ci_low, p.ci_high, p.opposes, p.supports, String(p.n)])));
  if (vv.distances.length > 0) parts.push('<h3>Distances between profiles</h3>', table(['a', 'b', 'L2', 'cosine distance'], vv.distances.map((d) => [d.a, d.b, d.l2, d.cosine])));
  if (vv.risks && vv.risks.length > 0) {
    const cells = vv.risks.flatMap((r) => vv.values.map((v) => ({ risk: r.risk, value: v, mean: r.mean[v]!, r: r.correlation[v]!.r })));
    parts.push('<h3>Value by risk category</h3><p class="muted">Mean value score of answers to prompts in each risk category; the table gives the point-biserial correlation of category membership with each value (Holm-adjusted p).</p>');
    parts.push(await chart({ width: 420, height: 16 * vv.risks.length, data: { values: cells }, mark: 'rect', encoding: { x: { field: 'value', type: 'nominal', sort: vv.values }, y: { field: 'risk', type: 'nominal' }, color: { field: 'mean', type: 'quantitative', scale: { scheme: 'redblue', domain: [-1, 1] } }, tooltip: [{ field: 'mean', type: 'quantitative', format: '.2f' }] } } as TopLevelSpec));
    parts.push(table(['risk', 'n', ...vv.values], vv.risks.map((r) => [r.risk, String(r.n), ...vv.values.map((v) => `${num(r.correlation[v]!.r, 2)}${r.correlation[v]!.p_holm < 0.05 ? '*' : ''}`)])));
  }
  if (vv.separation) parts.push('<h3>Values separating answers to risky prompts</h3>', table(['value', "Cohen's d", 'mean (risky)', 'mean (other)', 'p (Holm)'], vv.separation.map((s) => [s.value, s.d, s.mean_risky, s.mean_other, s.p_holm])));
  if (vv.map.length >= 3) {
    parts.push('<h3>Value-space map</h3><p class="muted">PCA of the value vectors, one point per answer.</p>');
    parts.push(await chart({ width: 480, height: 320, data: { values: vv.map }, mark: { type: 'circle', size: 14, opacity: 0.5 }, encoding: { x: { field: 'x', type: 'quantitative', title: 'PC1' }, y: { field: 'y', type: 'quantitative', title: 'PC2' }, color: { field: 'source', type: 'nominal' } } } as TopLevelSpec));
  }
  return parts;
}

/** The judge as an instrument: stability, bias checks, agreement between judges, calibration. */
function judgeQualitySection(q: JudgeQuality): string[] {
  const parts = ['<h3>Judge quality</h3>', `<p>Several judges combined by ${escapeHtml(q.combine)}; each completion scored ${escapeHtml(q.repeats)} time(s) per judge.</p>`];
  for (const [judge, f] of Object.entries(q.stability ?? {})) {
    parts.push(`<p>Stability of <code>${escapeHtml(judge)}</code> over ${escapeHtml(q.repeats)} repeats: ${escapeHtml(num(100 * f.overall, 1))}% of scores flip. ${f.unstable_items.length ? `<strong>Unstable items</strong> (flip rate above ${escapeHtml(100 * f.threshold)}%): ${f.unstable_items.map((i) => `<code>${escapeHtml(i)}</code>`).join(', ')}.` : 'No item is unstable.'}</p>`);
    parts.push(table(['dimension', 'flip rate'], Object.entries(f.per_dimension).map(([d, r]) => [d, r])));
  }
  const effects: unknown[][] = [];
  for (const [judge, e] of Object.entries(q.order ?? {})) for (const [d, x] of Object.entries(e)) effects.push([judge, 'order (reversed dimensions)', d, `shift ${num(x.mean_shift)}, changed ${num(100 * x.changed, 1)}%`, x.d]);
  for (const [judge, e] of Object.entries(q.length ?? {})) for (const [d, x] of Object.entries(e)) effects.push([judge, 'length (Spearman r)', d, `r ${num(x.r)}, p ${num(x.p)}`, x.r]);
  for (const [judge, e] of Object.entries(q.self_preference ?? {})) for (const [d, x] of Object.entries(e)) effects.push([judge, 'self-preference', d, `own - others ${num(x.difference)}`, x.d]);
  if (effects.length) parts.push('<h4>Bias checks</h4>', table(['judge', 'check', 'dimension', 'effect', 'effect size'], effects));
  if (q.pairwise_kappa?.length) parts.push('<h4>Agreement between judges</h4>', table(['judge a', 'judge b', 'dimension', "Cohen's kappa"], q.pairwise_kappa.map((k) => [k.a, k.b, k.dimension, k.kappa ?? 'NA'])));
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

