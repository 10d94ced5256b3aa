/**
 * The simulated server declares itself: every response (answers in each protocol, model lists,
 * errors and injected faults) carries `x-valuelex-simulated: true`, and its model lists mark every
 * model simulated. It serves the population of its seed, and any seed's as `sim/<seed>/<name>`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPopulation, drawPopulation, simModelId } from '../../src/sim/population.js';
import { startSimServer, type SimServer } from '../../src/sim/server.js';

const HEADER = 'x-valuelex-simulated';

async function call(url: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; header: string | null; text: string }> {
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { 'content-type': 'application/json', ...init.headers },
    ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
  let text = '';
  try {
    text = await res.text();
  } catch {
    // A malformed or truncated body: the header was still sent.
  }
  return { status: res.status, header: res.headers.get(HEADER), text };
}

describe('the simulated server declares itself', () => {
  let server: SimServer;
  const model = `sim/${defaultPopulation().models[3]!.name}`;
  beforeAll(async () => {
    server = await startSimServer({ faults: { requireKey: 'k' } });
  });
  afterAll(async () => server.close());
  const auth = { authorization: 'Bearer k' };

  it('on every answer, in every protocol', async () => {
    const chat = { model, messages: [{ role: 'user', content: 'What values do you hold?' }] };
    const routes: Array<[string, unknown]> = [
      ['/v1/chat/completions', chat],
      ['/v1/completions', { model, prompt: 'My values are' }],
      ['/v1/embeddings', { model: 'any', input: ['honesty'] }],
      ['/v1/messages', { ...chat, max_tokens: 50 }],
      ['/api/chat', { ...chat, stream: false }],
      ['/api/generate', { model, prompt: 'My values are', stream: false }],
      ['/api/embed', { model: 'any', input: ['honesty'] }],
    ];
    for (const [path, body] of routes) {
      const r = await call(`${server.url}${path}`, { body, headers: auth });
      expect(r.status, path).toBe(200);
      expect(r.header, path).toBe('true');
    }
  });

  it('on model lists, which mark every model simulated', async () => {
    const openai = await call(`${server.url}/v1/models`);
    expect(openai.header).toBe('true');
    const list = JSON.parse(openai.text) as { simulated: boolean; data: Array<{ id: string; owned_by: string; simulated: boolean; seed: number }> };
    expect(list.simulated).toBe(true);
    expect(list.data.map((m) => m.id)).toEqual(defaultPopulation().models.map((m) => `sim/${m.name}`));
    for (const m of list.data) expect(m).toMatchObject({ owned_by: 'valuelex-simulated', simulated: true, seed: defaultPopulation().seed });
    const ollama = await call(`${server.url}/api/tags`);
    expect(ollama.header).toBe('true');
    const tags = JSON.parse(ollama.text) as { simulated: boolean; models: Array<{ name: string; simulated: boolean }> };
    expect(tags.simulated).toBe(true);
    expect(tags.models.length).toBe(defaultPopulation().models.length);
    for (const m of tags.models) expect(m.simulated).toBe(true);
  });

  it('on errors: unknown model, unknown route, wrong method, bad JSON, missing key', async () => {
    const cases = [
      await call(`${server.url}/v1/chat/completions`, { body: { model: 'sim/nobody', messages: [{ role: 'user', content: 'x' }] }, headers: auth }),
      await call(`${server.url}/v1/nothing`, { body: {}, headers: auth }),
      await call(`${server.url}/v1/chat/completions`, { method: 'PUT', body: {}, headers: auth }),
      await call(`${server.url}/v1/chat/completions`, { body: '{not json', headers: auth }),
      await call(`${server.url}/v1/chat/completions`, { body: { model, messages: [] } }),
    ];
    expect(cases.map((c) => c.status)).toEqual([404, 404, 405, 400, 401]);
    for (const c of cases) expect(c.header).toBe('true');
  });

  it('on injected faults: 429, 500, 503 and malformed bodies', async () => {
    const faulty = await startSimServer({ faults: { script: ['429', '500', '503', 'malformed'] } });
    try {
      const body = { model, messages: [{ role: 'user', content: 'What values do you hold?' }] };
      const got = [];
      for (let i = 0; i < 4; i++) got.push(await call(`${faulty.url}/v1/chat/completions`, { body }));
      expect(got.map((g) => g.status)).toEqual([429, 500, 503, 200]);
      for (const g of got) expect(g.header).toBe('true');
      expect(() => JSON.parse(got[3]!.text) as unknown).toThrow();
    } finally {
      await faulty.close();
    }
  });

  it('serves the population of its seed, and any seed as sim/<seed>/<name>', async () => {
    const seeded = await startSimServer({ seed: 77 });
    try {
      const pop = drawPopulation(77);
      expect(seeded.population.seed).toBe(77);
      const list = JSON.parse((await call(`${seeded.url}/v1/models`)).text) as { data: Array<{ id: string }> };
      expect(list.data.map((m) => m.id)).toEqual(pop.models.map((m) => `sim/${m.name}`));
      const ask = async (url: string, id: string): Promise<{ status: number; model: string }> => {
        const r = await call(`${url}/v1/chat/completions`, { body: { model: id, messages: [{ role: 'user', content: 'What values do you hold?' }] }, headers: auth });
        return { status: r.status, model: r.status === 200 ? (JSON.parse(r.text) as { model: string }).model : '' };
      };
      // The default server answers for seed 77 by the qualified id, and reports the qualified id back.
      expect(await ask(server.url, simModelId(pop, pop.models[0]!))).toEqual({ status: 200, model: simModelId(pop, pop.models[0]!) });
      expect(await ask(seeded.url, `sim/${pop.models[0]!.name}`)).toEqual({ status: 200, model: simModelId(pop, pop.models[0]!) });
    } finally {
      await seeded.close();
    }
  });
});
