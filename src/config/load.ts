/**
 * Loading YAML/JSON configuration with errors a person can act on: one line naming the file,
 * the line and the field at fault.
 */
import { LineCounter, parseDocument, isMap, isSeq, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { InputError } from '../core/errors.js';
import { readTextFile } from '../core/text-file.js';
import { studyConfigSchema, type StudyConfig } from './schema.js';

/** A key as written in messages: plain names as they are, anything else quoted (escapes shown) and shortened. */
function keyText(key: PropertyKey): string {
  const k = String(key);
  if (/^[A-Za-z_][A-Za-z0-9_-]{0,59}$/.test(k)) return k;
  const quoted = JSON.stringify(k.length > 60 ? `${k.slice(0, 60)}...` : k).replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return quoted;
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${keyText(p)}` : keyText(p);
  }
  return out || '(top level)';
}

/** Find the line of the YAML node at `path` (or the closest ancestor that exists). */
function lineOf(doc: ReturnType<typeof parseDocument>, counter: LineCounter, path: ReadonlyArray<PropertyKey>, opts: { keyLine?: boolean } = {}): number | undefined {
  let node: unknown = doc.contents;
  let best: YamlNode | undefined = node as YamlNode | undefined;
  for (const [depth, key] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((it) => {
        const k = it.key as { value?: unknown } | null;
        return k !== null && typeof k === 'object' && String(k.value) === String(key);
      });
      if (!pair) break;
      best = (pair.key as YamlNode) ?? best;
      node = pair.value;
      // The key's own line for an unknown key; else the value's (where a wrong value is written).
      if (opts.keyLine && depth === path.length - 1) break;
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

/** Optimal-string-alignment distance (a transposition counts one edit: "modles" -> "models"). */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The known key closest to an unknown one, when it is close enough to be a typo. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const dist = editDistance(key.toLowerCase(), k.toLowerCase());
    if (dist < bestDistance) {
      best = k;
      bestDistance = dist;
    }
  }
  if (best !== undefined && bestDistance <= Math.max(2, Math.floor(key.length / 3))) return best;
  // Another form of the same word ("rotation" for "rotate"): a long shared beginning.
  const prefix = (a: string, b: string): number => {
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return i;
  };
  const byPrefix = known.map((k) => ({ k, n: prefix(key.toLowerCase(), k.toLowerCase()) })).sort((a, b) => b.n - a.n)[0];
  return byPrefix && byPrefix.n >= 5 ? byPrefix.k : undefined;
}

interface SchemaDef {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  getter?: () => z.ZodType;
}
const defOf = (schema: z.ZodType): SchemaDef => (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;

/** Through wrappers (optional, default, preprocess, lazy...) to the schema that shapes the value; a union resolves by the value's kind. */
function unwrap(schema: z.ZodType, value: unknown): z.ZodType {
  for (let s = schema, i = 0; i < 50; i++) {
    const def = defOf(s);
    if (def.innerType) s = def.innerType;
    else if (def.type === 'pipe') s = def.out && defOf(def.out).type !== 'transform' ? def.out : def.in!;
    else if (def.type === 'lazy' && def.getter) s = def.getter();
    else if (def.type === 'union' && def.options) {
      const kind = Array.isArray(value) ? 'array' : value !== null && typeof value === 'object' ? 'object' : undefined;
      const match = def.options.find((o) => defOf(unwrap(o, value)).type === kind);
      if (!match) return s;
      s = match;
    } else return s;
  }
  return schema;
}

/** The keys an object schema knows at `path` of the data (undefined when the path leads elsewhere). */
function knownKeysAt(schema: z.ZodType, data: unknown, path: ReadonlyArray<PropertyKey>): string[] | undefined {
  let s = unwrap(schema, data);
  let value = data;
  for (const key of path) {
    const def = defOf(s);
    value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
    const next = def.type === 'object' ? def.shape?.[String(key)] : def.type === 'array' ? def.element : def.type === 'record' ? def.valueType : undefined;
    if (!next) return undefined;
    s = unwrap(next, value);
  }
  const def = defOf(s);
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : undefined;
}

/**
 * Parse a YAML (or JSON) text and validate it with a zod schema. Errors name the file, line and
 * field; an unknown key names the closest known one ("did you mean samples?"). YAML merge keys
 * (`<<: *defaults`) are supported.
 */
export function parseConfigText<S extends z.ZodType>(text: string, file: string, schema: S): z.infer<S> {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true, merge: true });
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
    // An unknown key explains the rest ("modles" is also why "models" is missing): report it first.
    const issues = result.error.issues;
    const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]!;
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0]!;
      const path = [...issue.path, key];
      const known = knownKeysAt(schema, data, issue.path) ?? [];
      const near = closestKey(key, known);
      const hint = near
        ? `did you mean ${near}?`
        : known.length > 0
          ? `known keys: ${known.join(', ')}${known.includes('extensions') ? '; put your own data, YAML anchors included, under extensions:' : ''}`
          : '';
      const line = lineOf(doc, counter, path, { keyLine: true });
      throw new InputError(`${line !== undefined ? `${file}:${line}` : file}: ${formatPath(path)}: unknown key${hint ? ` (${hint})` : ''}`);
    }
    const line = lineOf(doc, counter, issue.path);
    const where = line !== undefined ? `${file}:${line}` : file;
    throw new InputError(`${where}: ${formatPath(issue.path)}: ${issue.message.split('\n')[0]}`);
  }
  return result.data as z.infer<S>;
}

/** A study file is a few kilobytes; anything this large is not one (and YAML parsing it would take minutes). */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

export function loadConfigFile<S extends z.ZodType>(file: string, schema: S): z.infer<S> {
  return parseConfigText(readTextFile(file, { maxBytes: MAX_CONFIG_BYTES }), file, schema);
}

export function loadStudyConfig(file: string): StudyConfig {
  return loadConfigFile(file, studyConfigSchema);
}
