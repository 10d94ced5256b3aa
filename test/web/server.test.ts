import { request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../src/store/store.js';
import { exportLabelsJsonl, labelAgreement, LABEL_VALUES, listPairs, saveLabel } from '../../src/evaluation/labels.js';
import { startViewer } from '../../src/web/server.js';
import { elicitedRun } from '../report/run-fixture.js';

/** A raw request with chosen headers (fetch would not let a test forge Host). */
function raw(port: number, path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('viewer server', async () => {
  const db = await elicitedRun(mkdtempSync(join(tmpdir(), 'vl-view-')));
  const viewer = await startViewer({ db, port: 0 });
  const host = `127.0.0.1:${viewer.port}`;
  afterAll(() => viewer.close());

  it('binds loopback and serves the page with a strict CSP and no inline script', async () => {
    expect(viewer.url).toBe(`http://${host}/`);
    const page = await raw(viewer.port, '/', { Host: host });
    expect(page.status).toBe(200);
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'self'");
    expect(page.body).toContain('<script src="/app.js"></script>');
    expect(page.body).not.toMatch(/<script>|\son\w+=/);
    expect((await raw(viewer.port, '/app.js', { Host: `localhost:${viewer.port}` })).status).toBe(200);
  });

  it('rejects a foreign Host (DNS rebinding) or Origin with 403', async () => {
    expect((await raw(viewer.port, '/api/run', { Host: 'evil.example' })).status).toBe(403);
    expect((await raw(viewer.port, '/api/run', { Host: `evil.example:${viewer.port}` })).status).toBe(403);
    expect((await raw(viewer.port, '/api/run', { Host: host, Origin: 'http://evil.example' })).status).toBe(403);
    const body = JSON.stringify({ pair_id: 'x', annotator: 'eve', value: 'power', label: 1 });
    expect((await raw(viewer.port, '/api/labels', { Host: host, Origin: `http://evil.example:${viewer.port}`, 'Content-Type': 'application/json' }, 'POST', body)).status).toBe(403);
    expect((await raw(viewer.port, '/api/run', { Host: host, Origin: `http://${host}` })).status).toBe(200);
  });

  it('traces lexicon entries back to the responses that produced them', async () => {
    const terms = JSON.parse((await raw(viewer.port, '/api/lexicon', { Host: host })).body) as Array<{ descriptor: string; count: number }>;
    expect(terms.length).toBeGreaterThan(0);
    const sources = JSON.parse((await raw(viewer.port, `/api/sources?descriptor=${encodeURIComponent(terms[0]!.descriptor)}`, { Host: host })).body) as Array<{ response_text: string }>;
    expect(sources.length).toBe(Math.min(200, terms[0]!.count));
    expect(sources[0]!.response_text.length).toBeGreaterThan(0);
  });

  it('stores labels, validates them, and reports agreement and value-pairs JSONL', async () => {
    const pairs = JSON.parse((await raw(viewer.port, '/api/pairs', { Host: host })).body) as Array<{ id: string; prompt: string; response: string }>;
    expect(pairs.length).toBeGreaterThan(3);
    expect(pairs[0]!.prompt.length).toBeGreaterThan(0);
    const post = (b: unknown) => raw(viewer.port, '/api/labels', { Host: host, 'Content-Type': 'application/json' }, 'POST', JSON.stringify(b));
    expect((await post({ pair_id: pairs[0]!.id, annotator: 'ann', value: 'power', label: 2 })).status).toBe(400);
    expect((await post({ pair_id: pairs[0]!.id, annotator: 'ann', value: 'wealth', label: 1 })).status).toBe(400);
    expect((await post({ pair_id: pairs[0]!.id, annotator: 'ann', value: 'benevolence', label: 1 })).status).toBe(200);
    const store = RunStore.open(db);
    try {
      // Two annotators agreeing on three units and disagreeing on one.
      for (const [i, a, b] of [[1, 1, 1], [2, -1, -1], [3, 0, 0], [0, 1, -1]] as const) {
        saveLabel(store, { pair_id: pairs[i]!.id, annotator: 'ann', value: 'power', label: a });
        saveLabel(store, { pair_id: pairs[i]!.id, annotator: 'bob', value: 'power', label: b });
      }
      const agreement = labelAgreement(store);
      expect(agreement.annotators).toEqual(['ann', 'bob']);
      expect(agreement.units).toBe(4);
      expect(agreement.alpha!).toBeGreaterThan(0);
      expect(agreement.alpha!).toBeLessThan(1);
      const lines = exportLabelsJsonl(store).trim().split('\n').map((l) => JSON.parse(l) as { id: string; prompt: string; response: string; values: Record<string, number> });
      expect(lines).toHaveLength(8);
      const first = lines.find((l) => l.id === `${pairs[0]!.id}#ann`)!;
      expect(Object.keys(first.values)).toEqual([...LABEL_VALUES]);
      expect(first.values).toMatchObject({ benevolence: 1, power: 1, hedonism: 0 });
      expect(first.response).toBe(listPairs(store)[0]!.response);
    } finally {
      store.close();
    }
  });
});
