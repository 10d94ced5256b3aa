/**
 * The viewer's page and script. The page holds no inline script or handler (the CSP forbids
 * them); the script builds every element from the JSON API and puts model text in with
 * textContent only, never innerHTML.
 */
export const VIEWER_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ValueLex viewer</title>
<link rel="stylesheet" href="/app.css">
</head><body>
<header><h1 id="study">ValueLex viewer</h1><p id="simulated" class="banner" hidden></p>
<nav><button id="tab-lexicon" type="button">Lexicon</button> <button id="tab-completions" type="button">Completions</button> <button id="tab-label" type="button">Label pairs</button></nav></header>
<section id="lexicon"><div class="cols"><ol id="terms"></ol><div id="sources"></div></div></section>
<section id="completions" hidden><p><label>Model <select id="completion-model"></select></label> <span id="completion-count" class="muted"></span></p><table id="completion-table"></table></section>
<section id="label" hidden>
<p><label>Annotator <input id="annotator" autocomplete="off"></label>
<span class="muted">j/k next/previous pair; 1-9, 0 choose a value; u = +1, n = 0, d = -1</span></p>
<p id="position" class="muted"></p>
<div class="pair"><h3>Prompt</h3><pre id="prompt"></pre><h3>Response (<span id="pair-model"></span>)</h3><pre id="response"></pre></div>
<table id="values"></table>
<p id="agreement" class="muted"></p><p><a href="/api/labels.jsonl" download="labels.jsonl">Export labels (value-pairs JSONL)</a></p>
</section>
<script src="/app.js"></script>
</body></html>
`;

export const VIEWER_CSS = `body{font-family:system-ui,sans-serif;margin:1em 2em;color:#222}
.banner{background:#fff3cd;border:1px solid #e0b400;padding:.6em;font-weight:600}
.cols{display:flex;gap:2em}#terms{min-width:16em;max-height:80vh;overflow:auto}#terms li{cursor:pointer}
pre{white-space:pre-wrap;background:#f7f7f7;padding:.6em;max-height:30vh;overflow:auto}
.muted{color:#777}td{padding:2px 8px}tr.current{background:#e8f0ff}button.on{background:#2a6df4;color:#fff}
.source{border-bottom:1px solid #ddd;margin-bottom:.6em}
td,li,pre,p,code{overflow-wrap:anywhere}td,li{unicode-bidi:isolate}table{max-width:100%}`;

export const VIEWER_JS = `'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = String(text); if (cls) e.className = cls; return e; };
  const api = async (path, init) => { const r = await fetch(path, init); if (!r.ok) throw new Error(path + ': ' + r.status); return r.json(); };
  let values = [];
  let pairs = [];
  let index = 0;
  let current = 0;
  let labels = [];

  async function init() {
    const run = await api('/api/run');
    values = run.values;
    $('study').textContent = 'ValueLex viewer: ' + run.study;
    const sim = run.models.filter((m) => m.simulated).map((m) => m.name);
    if (sim.length > 0) { $('simulated').hidden = false; $('simulated').textContent = 'SIMULATED models (synthetic stand-ins, not real LLMs): ' + sim.join(', '); }
    $('annotator').value = localStorage.getItem('valuelex.annotator') || '';
    $('annotator').addEventListener('change', () => localStorage.setItem('valuelex.annotator', $('annotator').value));
    $('tab-lexicon').addEventListener('click', () => show('lexicon'));
    $('tab-label').addEventListener('click', () => show('label'));
    $('tab-completions').addEventListener('click', () => show('completions'));
    const done = await api('/api/completions');
    const models = [...new Set(done.map((c) => c.model))];
    for (const m of models) $('completion-model').appendChild(el('option', m));
    $('completion-model').addEventListener('change', () => renderCompletions(done));
    renderCompletions(done);
    const terms = await api('/api/lexicon');
    for (const t of terms) {
      const li = el('li', t.descriptor + ' (' + t.count + ')');
      li.dataset.descriptor = t.descriptor;
      li.addEventListener('click', () => sources(t.descriptor));
      $('terms').appendChild(li);
    }
    pairs = await api('/api/pairs');
    await refreshLabels();
    renderPair();
    document.addEventListener('keydown', onKey);
  }

  function show(which) { for (const id of ['lexicon', 'completions', 'label']) $(id).hidden = which !== id; }

  function renderCompletions(all) {
    const model = $('completion-model').value;
    const rows = all.filter((c) => c.model === model);
    $('completion-count').textContent = rows.length + ' completions';
    const table = $('completion-table');
    table.replaceChildren();
    const head = el('tr');
    for (const h of ['item', 'stem', 'completion', 'scores (judge: dimension score)']) head.appendChild(el('th', h));
    table.appendChild(head);
    for (const c of rows) {
      const tr = el('tr');
      tr.appendChild(el('td', c.item));
      tr.appendChild(el('td', c.stem));
      tr.appendChild(el('td', c.completion));
      tr.appendChild(el('td', c.scores.map((s) => s.judge + ': ' + s.dimension + ' ' + (s.score === null ? 'NA' : (s.score > 0 ? '+' : '') + s.score)).join('; ')));
      table.appendChild(tr);
    }
  }

  async function sources(descriptor) {
    const box = $('sources');
    box.replaceChildren(el('h2', descriptor));
    for (const s of await api('/api/sources?descriptor=' + encodeURIComponent(descriptor))) {
      const div = el('div', undefined, 'source');
      div.appendChild(el('p', s.model + ' / ' + s.prompt_id + ': "' + s.raw + '"', 'muted'));
      div.appendChild(el('pre', s.response_text));
      box.appendChild(div);
    }
  }

  async function refreshLabels() {
    const r = await api('/api/labels');
    labels = r.labels;
    const a = r.agreement;
    $('agreement').textContent = a.alpha === null ? 'Annotators: ' + (a.annotators.join(', ') || 'none') + '. Agreement needs two annotators on the same pair.'
      : "Krippendorff's alpha (ordinal) " + a.alpha.toFixed(3) + ' over ' + a.units + ' doubly labeled units; annotators: ' + a.annotators.join(', ');
  }

  function labelOf(pairId, value) {
    const who = $('annotator').value.trim();
    const l = labels.find((x) => x.pair_id === pairId && x.value === value && x.annotator === who);
    return l ? l.label : undefined;
  }

  function renderPair() {
    const p = pairs[index];
    $('position').textContent = pairs.length === 0 ? 'No pairs in this run.' : 'Pair ' + (index + 1) + ' of ' + pairs.length + ' (' + p.id + ')';
    $('prompt').textContent = p ? p.prompt : '';
    $('response').textContent = p ? p.response : '';
    $('pair-model').textContent = p ? p.model : '';
    const table = $('values');
    table.replaceChildren();
    values.forEach((v, i) => {
      const tr = el('tr', undefined, i === current ? 'current' : '');
      tr.appendChild(el('td', String((i + 1) % 10)));
      tr.appendChild(el('td', v));
      const td = el('td');
      for (const [text, label] of [['-1', -1], ['0', 0], ['+1', 1]]) {
        const b = el('button', text, p && labelOf(p.id, v) === label ? 'on' : '');
        b.type = 'button';
        b.dataset.value = v;
        b.dataset.label = String(label);
        b.addEventListener('click', () => { current = i; save(v, label); });
        td.appendChild(b);
      }
      tr.appendChild(td);
      table.appendChild(tr);
    });
  }

  async function save(value, label) {
    const p = pairs[index];
    const annotator = $('annotator').value.trim();
    if (!p) return;
    if (!annotator) { $('annotator').focus(); $('position').textContent = 'Enter your annotator name first.'; return; }
    localStorage.setItem('valuelex.annotator', annotator);
    await api('/api/labels', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ pair_id: p.id, annotator, value, label }) });
    await refreshLabels();
    renderPair();
    document.body.dataset.saved = String(Number(document.body.dataset.saved || 0) + 1);
  }

  function onKey(e) {
    if (e.target instanceof HTMLInputElement || $('label').hidden) return;
    if (e.key === 'j') { index = Math.min(pairs.length - 1, index + 1); renderPair(); }
    else if (e.key === 'k') { index = Math.max(0, index - 1); renderPair(); }
    else if (/^[0-9]$/.test(e.key)) { const i = (Number(e.key) + 9) % 10; if (i < values.length) { current = i; renderPair(); } }
    else if (e.key === 'u') save(values[current], 1);
    else if (e.key === 'n') save(values[current], 0);
    else if (e.key === 'd') save(values[current], -1);
    else return;
    e.preventDefault();
  }

  init().catch((err) => { document.body.appendChild(el('p', 'Error: ' + err.message, 'banner')); });
})();
`;
