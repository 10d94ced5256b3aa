// A zero-latency OpenAI-compatible server for whole-process benchmarks, in its own process so
// that its work is the same for every contender and never shares their event loop. It answers
// POST /v1/chat/completions (and /chat/completions) from a pool of answers written at start by
// the simulated population (SIMULATED text: it exercises the client's parsing, it is no evidence
// about any real model), chosen by the request's last message and seed, so the per-request work
// of the server is reading the body, one JSON.parse, one lookup and one JSON.stringify.
// Usage: node bench/mock-openai.js [port]   prints {"base_url": "http://127.0.0.1:PORT/v1"} once listening.
import { createServer } from 'node:http';
import { defaultPopulation, loadPromptBank } from '../dist/index.js';
import { simulate } from '../dist/sim/simulate.js';

// The first RLHF model of the default simulated population (its names are drawn from the seed).
const MODEL = `sim/${defaultPopulation().models.find((m) => m.training === 'rlhf').name}`;
const VARIANTS = 32;
const bank = loadPromptBank();
const pool = new Map();
for (const p of bank.prompts) {
  const answers = [];
  for (let v = 0; v < VARIANTS; v++) {
    answers.push(simulate({ model: MODEL, kind: 'chat', messages: [{ role: 'user', content: p.text }], params: { temperature: 1, seed: v } }).text);
  }
  pool.set(p.text, answers);
}
const fallback = pool.values().next().value;

let served = 0;
const server = createServer((req, res) => {
  if (req.method !== 'POST' || !/\/chat\/completions$/.test(req.url ?? '')) {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":{"message":"not found"}}');
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"bad json"}}');
      return;
    }
    const messages = Array.isArray(body.messages) ? body.messages : [];
    const last = messages.length > 0 ? String(messages[messages.length - 1].content ?? '') : '';
    const answers = pool.get(last) ?? fallback;
    const seed = Number.isInteger(body.seed) ? body.seed : served;
    const text = answers[Math.abs(seed) % answers.length];
    served++;
    const out = JSON.stringify({
      id: `chatcmpl-${served}`,
      object: 'chat.completion',
      created: 1_700_000_000,
      model: String(body.model ?? MODEL),
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      usage: { prompt_tokens: Math.ceil(last.length / 4), completion_tokens: Math.ceil(text.length / 4), total_tokens: Math.ceil((last.length + text.length) / 4) },
    });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
    res.end(out);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ base_url: `http://127.0.0.1:${server.address().port}/v1` }) + '\n');
});
// The driver reads the count between contenders: one line on stdin, "served?", answers the total.
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  for (const line of d.split('\n')) if (line.trim() === 'served?') process.stdout.write(JSON.stringify({ served }) + '\n');
});
process.stdin.on('end', () => server.close(() => process.exit(0)));
