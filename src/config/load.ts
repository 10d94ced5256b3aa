/**
 * Loading YAML/JSON configuration with errors a person can act on: one line naming the file,
 * the line and the field at fault.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { InputError } from '../core/errors.js';
import { studyConfigSchema, type StudyConfig } from './schema.js';

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(top level)';
}

/** Find the line of the YAML node at `path` (or the closest ancestor that exists). */
function lineOf(doc: ReturnType<typeof parseDocument>, counter: LineCounter, path: ReadonlyArray<PropertyKey>): number | undefined {
  let node: unknown = doc.contents;
  let best: YamlNode | undefined = node as YamlNode | undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((it) => {
        const k = it.key as { value?: unknown } | null;
        return k !== null && typeof k === 'object' && String(k.value) === String(key);
      });
      if (!pair) break;
      best = (pair.key as YamlNode) ?? best;
      node = pair.value;
      if (node) best = node as YamlNode;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      if (!node) break;
      best = node as YamlNode;
    } else break;
  }
  const range = best?.range;
  return range ? counter.linePos(range[0]).line : undefined;
}

/**
 * Parse a YAML (or JSON) text and validate it with a zod schema. Errors name the file, line and field.
 */
export function parseConfigText<S extends z.ZodType>(text: string, file: string, schema: S): z.infer<S> {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const pos = err.pos ? counter.linePos(err.pos[0]) : undefined;
    const msg = err.message.split('\n')[0];
    throw new InputError(`${file}${pos ? `:${pos.line}:${pos.col}` : ''}: invalid YAML: ${msg}`);
  }
  let data: unknown;
  try {
    // A small alias budget refuses "billion laughs" documents.
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new InputError(`${file}: invalid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (data === null || data === undefined) throw new InputError(`${file}: the file is empty`);
  const result = schema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const line = lineOf(doc, counter, issue.path);
    const where = line !== undefined ? `${file}:${line}` : file;
    throw new InputError(`${where}: ${formatPath(issue.path)}: ${issue.message}`);
  }
  return result.data as z.infer<S>;
}

export function loadConfigFile<S extends z.ZodType>(file: string, schema: S): z.infer<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: cannot read the file (${code ?? String(e)})`);
  }
  return parseConfigText(text, file, schema);
}

export function loadStudyConfig(file: string): StudyConfig {
  return loadConfigFile(file, studyConfigSchema);
}
