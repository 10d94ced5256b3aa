// The floor: the least a client can do for the elicit requests. Plain fetch (Node's undici, keep-
// alive), a pool of `concurrency` workers, one JSON.parse per answer and nothing stored. Sends the
// same requests as `valuelex run --stages elicit` (the bank's prompts x samples, the same
// temperature, max_tokens and per-sample seeds). No imports beyond Node: it starts as fast as Node.
// Usage: node bench/bare-client.js <base url> <prompts file (JSON array of texts)> <samples> <concurrency>
import { readFileSync } from 'node:fs';

const [baseUrl, promptsFile, samplesArg, concArg] = process.argv.slice(2);
const prompts = JSON.parse(readFileSync(promptsFile, 'utf8'));
const samples = Number(samplesArg);
const concurrency = Number(concArg);
const jobs = [];
for (const text of prompts) for (let s = 0; s < samples; s++) jobs.push({ text, seed: 1000 + s });

let next = 0;
let chars = 0;
const url = `${baseUrl}/chat/completions`;
async function worker() {
  while (next < jobs.length) {
    const job = jobs[next++];
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not-needed' },
      body: JSON.stringify({ model: 'sim/sim-atlas-8b-rlhf', messages: [{ role: 'user', content: job.text }], temperature: 1, max_tokens: 400, seed: job.seed }),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const body = await res.json();
    chars += body.choices[0].message.content.length;
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
process.stdout.write(JSON.stringify({ requests: jobs.length, chars }) + '\n');
