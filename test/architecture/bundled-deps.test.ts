/**
 * The build bundles kysely, yaml and zod into dist/vendor/ (scripts/bundle-deps.mjs). The compiled
 * library must then behave for a user exactly as with the packages: zod's schemas it exports
 * compose with the user's own zod and are recognised by it, errors included; the YAML and SQL it
 * writes are the packages' own.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { stringify } from 'yaml';

const dist = (await import(new URL('../../dist/index.js', import.meta.url).href)) as typeof import('../../src/index.js');

describe('dependencies bundled by the build', () => {
  it("the library's zod schemas are the user's zod's: instanceof, composition and errors", () => {
    const schema = dist.studyConfigSchema;
    expect(schema).toBeInstanceOf(z.ZodType);
    const wrapped = z.object({ study: schema, note: z.string() });
    const good = { name: 's', models: [{ name: 'm', provider: 'openai', model: 'x', base_url: 'http://127.0.0.1:1/v1' }] };
    expect(wrapped.parse({ study: good, note: 'n' }).study.name).toBe('s');
    const bad = schema.safeParse({ name: 's', models: [], nope: 1 });
    expect(bad.success).toBe(false);
    expect(bad.error).toBeInstanceOf(z.ZodError);
    expect(() => wrapped.parse({ study: { name: 1 }, note: 'n' })).toThrow(z.ZodError);
  });

  it('the compiled modules import no bundled package by name', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const root = new URL('../../dist/', import.meta.url);
    const offenders: string[] = [];
    const visit = (dir: URL): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) {
          if (e.name !== 'vendor') visit(new URL(`${e.name}/`, dir));
        } else if (e.name.endsWith('.js') && /\b(?:from\s*|import\s*\(\s*)['"](?:kysely|yaml|zod)['"]/.test(readFileSync(new URL(e.name, dir), 'utf8'))) {
          offenders.push(new URL(e.name, dir).pathname);
        }
      }
    };
    visit(root);
    expect(offenders).toEqual([]);
  });

  it('a study config reads through the bundled yaml, an unknown key named with its line', () => {
    const text = stringify({ name: 'round-trip', models: [{ name: 'm', provider: 'openai', model: 'x', base_url: 'http://127.0.0.1:1/v1' }] });
    const parsed = dist.parseConfigText(text, 'study.yaml', dist.studyConfigSchema);
    expect(parsed.name).toBe('round-trip');
    expect(() => dist.parseConfigText(`${text}bogus: 1\n`, 'study.yaml', dist.studyConfigSchema)).toThrow(/^study\.yaml:\d+: .*unknown key/);
  });
});
