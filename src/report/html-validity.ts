/**
 * The HTML of the forced-choice and validity sections: a priority chart per model with intervals,
 * consistency, position-bias and intransitivity tables, and the multitrait-multimethod matrix as a
 * heatmap (convergent cells outlined) with the same numbers in an accessible table. Every piece
 * of run text is escaped; charts are drawn by html.ts's vega helper, passed in.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { MtmmReport } from '../study/mtmm.js';
import { escapeHtml } from './escape.js';
import type { ChoicesSection } from './model.js';

export interface HtmlKit {
  chart(spec: TopLevelSpec): Promise<string>;
  table(headers: string[], rows: unknown[][]): string;
  num(v: unknown, digits?: number): string;
}

const SIMULATED_NOTE = '<p class="muted">Simulated models answer by planted values: their numbers test the method and say nothing about real models.</p>';

const pct = (kit: HtmlKit, v: number | null | undefined): string => (v === null || v === undefined ? 'NA' : `${kit.num(100 * v, 1)}%`);
const interval = (kit: HtmlKit, lo: number | null | undefined, hi: number | null | undefined, asPct = false): string =>
  lo === null || lo === undefined || hi === null || hi === undefined ? 'NA' : asPct ? `${pct(kit, lo)} to ${pct(kit, hi)}` : `${kit.num(lo, 2)} to ${kit.num(hi, 2)}`;
const pValue = (kit: HtmlKit, p: number | null | undefined): string => (p === null || p === undefined ? 'NA' : p < 0.001 ? '<0.001' : kit.num(p, 3));

export async function choicesHtml(c: ChoicesSection, simulated: boolean, kit: HtmlKit): Promise<string[]> {
  const parts: string[] = ['<h2>Value priorities from forced choices</h2>'];
  const labelOf = new Map(c.dimensions.map((d) => [d.id, d.label]));
  const d = c.dilemmas;
  parts.push(
    `<p>${escapeHtml(d.kept)} dilemmas on ${escapeHtml(d.pairs)} pairs of ${escapeHtml(c.system)} values (${escapeHtml(d.per_pair)} wanted per pair), written by <code>${escapeHtml(c.generator.name)}</code>${c.verifier ? ` and checked by <code>${escapeHtml(c.verifier.name)}</code>` : ' (not checked by a judge)'}; of ${escapeHtml(d.candidates)} written, ${escapeHtml(d.malformed)} were malformed, ${escapeHtml(d.duplicates)} near-duplicates and ${escapeHtml(d.unverified)} failed the check. Each dilemma was asked in both option orders, framed as ${c.framings.map((f) => `<em>${f === 'act' ? 'which option would you choose' : 'which option would you reject'}</em>`).join(' and ')}, ${escapeHtml(c.samples)} time(s) each.</p>`,
    '<p class="muted">Priorities: Bradley-Terry log-strengths with Davidson ties (both orders preferring the same value is a win; the two orders disagreeing is a tie), centred per model; 95% intervals from a bootstrap over dilemmas. Higher is a stronger priority.</p>',
  );
  if (simulated) parts.push(SIMULATED_NOTE);
  if (d.short_pairs.length > 0) parts.push(`<p>Value pairs with fewer dilemmas than wanted: ${d.short_pairs.map((p) => `<code>${escapeHtml(p.pair)}</code> (${escapeHtml(p.kept)})`).join(', ')}.</p>`);
  const rows = c.priorities.map((p) => ({ ...p, label: labelOf.get(p.dimension) ?? p.dimension }));
  if (rows.length > 0) {
    const order = c.dimensions.map((x) => x.label);
    parts.push(
      await kit.chart({
        data: { values: rows },
        facet: { field: 'model', type: 'nominal', title: null },
        columns: 3,
        spec: {
          width: 200,
          height: 16 * c.dimensions.length,
          layer: [
            { mark: { type: 'rule', strokeDash: [3, 3], color: '#999' }, encoding: { x: { datum: 0, type: 'quantitative' } } },
            { mark: { type: 'rule' }, encoding: { y: { field: 'label', type: 'nominal', sort: order, title: null }, x: { field: 'ci_low', type: 'quantitative', title: 'log-strength (95% CI)' }, x2: { field: 'ci_high' } } },
            { mark: { type: 'point', filled: true }, encoding: { y: { field: 'label', type: 'nominal', sort: order }, x: { field: 'log_strength', type: 'quantitative' } } },
          ],
        },
      } as TopLevelSpec),
    );
    parts.push(kit.table(['model', 'value', 'rank', 'log-strength', 'SE', '95% low', '95% high', 'worth share', 'wins', 'losses', 'ties'], rows.map((p) => [p.model, p.label, String(p.rank), p.log_strength, p.se, p.ci_low, p.ci_high, p.worth, String(p.wins), String(p.losses), String(p.ties)])));
  }
  parts.push(
    '<h3>Answers and fits</h3>',
    kit.table(
      ['model', 'answers asked', 'missing (after re-ask)', 're-asked', 'comparisons', 'ties', 'incomplete pairs', 'Davidson ν', 'failed resamples', 'note'],
      c.fits.map((f) => {
        const a = c.answers.find((x) => x.model === f.model);
        return [f.model, String(a?.asked ?? ''), String(a?.missing ?? ''), String(a?.reasked ?? ''), String(f.comparisons), String(f.ties), String(f.incomplete), f.nu ?? 'NA', `${f.failed_resamples} of ${f.resamples}`, f.error ?? ''];
      }),
    ),
  );
  if (c.items.length > 0) {
    parts.push(
      `<details><summary>The ${escapeHtml(c.items.length)} dilemmas (written by the generator model; shown as text)</summary>`,
      kit.table(['value A', 'value B', 'situation', 'dilemma', 'option honouring A', 'option honouring B'], c.items.map((i) => [labelOf.get(i.value_a) ?? i.value_a, labelOf.get(i.value_b) ?? i.value_b, `${i.template} (${i.setting})`, i.dilemma, i.option_a, i.option_b])),
      '</details>',
    );
  }
  if (c.consistency) {
    parts.push(
      '<h3>Framing consistency</h3>',
      '<p class="muted">Consistent: the share of answer pairs (same dilemma and order) whose "choose" and "reject" answers prefer the same value. Order agreement: the share of answer pairs (same dilemma and framing) whose two option orders prefer the same value, the consistency to expect without any framing effect. Framing effect = consistent − order agreement; p: sign-flip test over dilemmas (per model) or over models (per value pair), Holm-adjusted across rows.</p>',
      kit.table(
        ['model', 'consistent', '95% CI', 'order agreement', 'framing effect', 'p', 'p (Holm)', 'answer pairs', 'dilemmas'],
        c.consistency.per_model.map((r) => [r.model, pct(kit, r.consistent), interval(kit, r.ci_low, r.ci_high, true), pct(kit, r.order_agreement), r.framing_effect === null ? 'NA' : kit.num(r.framing_effect, 3), pValue(kit, r.p), pValue(kit, r.p_holm), String(r.pairs), String(r.dilemmas)]),
      ),
      kit.table(
        ['value pair', 'consistent', '95% CI', 'order agreement', 'framing effect', 'p', 'p (Holm)', 'models', 'dilemmas'],
        c.consistency.per_pair.map((r) => [`${labelOf.get(r.value_a) ?? r.value_a} vs ${labelOf.get(r.value_b) ?? r.value_b}`, pct(kit, r.consistent), interval(kit, r.ci_low, r.ci_high, true), pct(kit, r.order_agreement), r.framing_effect === null ? 'NA' : kit.num(r.framing_effect, 3), pValue(kit, r.p), pValue(kit, r.p_holm), String(r.models), String(r.dilemmas)]),
      ),
    );
  }
  parts.push(
    '<h3>Position bias</h3>',
    '<p class="muted">Share of answers naming the first-listed option (50% without a bias, by counterbalancing), with a 95% bootstrap interval over dilemmas. Pairs of orders: the same letter twice means the position decided. p: sign-flip test of first-first against second-second per dilemma, Holm-adjusted across models. Counterbalancing keeps a position bias out of the priorities (a position-decided pair is a tie).</p>',
    kit.table(
      ['model', 'first option', '95% CI', 'first both times', 'second both times', 'by content', 'index', 'p', 'p (Holm)'],
      c.position_bias.map((r) => [r.model, pct(kit, r.share_first), interval(kit, r.ci_low, r.ci_high, true), String(r.both_first), String(r.both_second), String(r.by_content), r.index === null ? 'NA' : kit.num(r.index, 3), pValue(kit, r.p), pValue(kit, r.p_holm)]),
    ),
  );
  if (c.intransitivity.length > 0) {
    parts.push(
      '<h3>Intransitivity</h3>',
      '<p class="muted">Each pair of values decided by the majority of its comparisons; the share of circular triads (a over b over c over a) among triads with three decided pairs. Choosing at random gives 25%; p: the chance that a random orientation of the same pairs has this few circular triads.</p>',
      kit.table(['model', 'decided triads', 'circular', 'share', "Kendall's ζ", 'p (fewer than chance)'], c.intransitivity.map((r) => [r.model, String(r.decided_triads), String(r.circular), pct(kit, r.share), r.zeta ?? 'NA', pValue(kit, r.p)])),
    );
  }
  return parts;
}

export async function mtmmHtml(m: MtmmReport, simulated: boolean, kit: HtmlKit): Promise<string[]> {
  const parts: string[] = ['<h2>Stated against revealed values (multitrait-multimethod)</h2>'];
  const labelOf = new Map(m.traits.map((t) => [t.id, t.label]));
  const colName = (i: number): string => `${labelOf.get(m.columns[i]!.trait) ?? m.columns[i]!.trait} · ${m.columns[i]!.method}`;
  parts.push(
    `<p>Traits: the ${escapeHtml(m.traits.length)} dimensions of ${escapeHtml(m.system)}. Methods: ${m.methods.map((x) => `<b>${escapeHtml(x.id)}</b> (${escapeHtml(x.family)}: ${escapeHtml(x.description)})`).join('; ')}. Correlations across ${escapeHtml(m.models.length)} models, each method on its own scale. A style of one method (acquiescent ratings, verbose answers, a lenient judge) shows as high correlations between different values of that method, which count against the convergence.</p>`,
  );
  if (simulated) parts.push(SIMULATED_NOTE);
  for (const note of m.notes) parts.push(`<p class="note">${escapeHtml(note)}</p>`);
  // Method-major order puts the convergent validities on the diagonals of the heteromethod blocks.
  const order = m.columns.map((_, i) => i).sort((a, b) => m.methods.findIndex((x) => x.id === m.columns[a]!.method) - m.methods.findIndex((x) => x.id === m.columns[b]!.method) || m.traits.findIndex((t) => t.id === m.columns[a]!.trait) - m.traits.findIndex((t) => t.id === m.columns[b]!.trait));
  const names = order.map(colName);
  const cells = order.flatMap((i) =>
    order.map((j) => ({
      row: colName(i),
      col: colName(j),
      r: m.r[i]![j],
      label: m.r[i]![j] === null ? '' : kit.num(m.r[i]![j], 2),
      convergent: i !== j && m.columns[i]!.trait === m.columns[j]!.trait,
    })),
  );
  const size = Math.max(18, Math.min(40, Math.floor(560 / Math.max(1, names.length))));
  parts.push(
    await kit.chart({
      width: size * names.length,
      height: size * names.length,
      data: { values: cells },
      encoding: { x: { field: 'col', type: 'nominal', sort: names, title: null, axis: { labelAngle: -45, labelLimit: 240 } }, y: { field: 'row', type: 'nominal', sort: names, title: null, axis: { labelLimit: 240 } } },
      layer: [
        { mark: 'rect', encoding: { color: { field: 'r', type: 'quantitative', scale: { scheme: 'redblue', domain: [-1, 1], reverse: true }, title: 'r' } } },
        { transform: [{ filter: 'datum.convergent' }], mark: { type: 'rect', fillOpacity: 0, stroke: 'black', strokeWidth: 2 } },
        { mark: { type: 'text', fontSize: 9 }, encoding: { text: { field: 'label' } } },
      ],
    } as TopLevelSpec),
    '<p class="muted">Outlined cells: convergent validities (the same value measured by two methods). They should be high, and higher than the other correlations in their row and column.</p>',
  );
  // The same matrix as a table (lower triangle), convergent cells marked.
  const header = `<tr><th scope="col">trait · method</th>${names.map((n) => `<th scope="col">${escapeHtml(n)}</th>`).join('')}</tr>`;
  const body = order
    .map((i, a) => `<tr><th scope="row">${escapeHtml(colName(i))}</th>${order
      .map((j, b) => {
        if (b > a) return '<td></td>';
        const r = m.r[i]![j];
        const text = r === null ? 'NA' : kit.num(r, 2);
        const conv = i !== j && m.columns[i]!.trait === m.columns[j]!.trait;
        return conv ? `<td class="convergent"><strong>${escapeHtml(text)}</strong> <span class="muted">(convergent, n ${escapeHtml(m.n[i]![j])})</span></td>` : `<td>${escapeHtml(text)}</td>`;
      })
      .join('')}</tr>`)
    .join('');
  parts.push(`<table class="mtmm"><caption>Multitrait-multimethod correlations across models (lower triangle; convergent validities in bold)</caption><thead>${header}</thead><tbody>${body}</tbody></table>`);
  parts.push(
    '<h3>Verdict per value</h3>',
    kit.table(
      ['value', 'methods', 'convergent r', '95% CI', 'models', 'self-report methods agree', 'self-report vs indirect', 'Campbell-Fiske comparisons met', 'verdict'],
      m.per_trait.map((t) => [
        t.label,
        t.methods.join(', '),
        t.convergent === null ? 'NA' : kit.num(t.convergent, 2),
        t.ci ? interval(kit, t.ci[0], t.ci[1]) : 'NA',
        String(t.n),
        t.self_report.r === null ? 'NA' : kit.num(t.self_report.r, 2),
        t.across.r === null ? 'NA' : kit.num(t.across.r, 2),
        t.discriminant.made > 0 ? `${t.discriminant.met} of ${t.discriminant.made}` : 'NA',
        t.reading,
      ]),
    ),
    `<ul>${m.per_trait.map((t) => `<li>${escapeHtml(t.statement)}</li>`).join('')}</ul>`,
    `<p class="muted">Over all values: ${escapeHtml(m.overall.heteroHetero.met + m.overall.heteroMono.met)} of ${escapeHtml(m.overall.heteroHetero.made + m.overall.heteroMono.made)} discriminant comparisons met${m.overall.patternAgreement === null ? '' : `; the pattern of correlations between values agrees across blocks at r = ${escapeHtml(kit.num(m.overall.patternAgreement, 2))} (Campbell-Fiske criterion 4, ${escapeHtml(m.overall.blockPairs)} pairs of blocks)`}.</p>`,
  );
  return parts;
}
