/**
 * Alignment targets: a point of the value space written as `name=value,...`, JSON, a named
 * profile, a profile file, or a bare list of numbers whose order the user must state. Schwartz's
 * order (the value-pairs contract: ..., conformity, tradition, ...) and FULCRA's evaluator order
 * (`value_reward`: ..., tradition, conformity, ...) differ in one swap, so a bare list read in the
 * wrong order silently exchanges two values: a list is refused unless `order` says which it is.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import { FULCRA_REWARD_ORDER } from '../values/pairs.js';
import { SCHWARTZ_VALUES } from '../values/schwartz.js';
import type { ValueVector } from './distance.js';

export type Target = ValueVector;

/** The order of a bare list of ten numbers: Schwartz's (conformity before tradition) or FULCRA's (tradition first). */
export type TargetOrder = 'schwartz' | 'fulcra';

export const TARGET_ORDERS: Record<TargetOrder, readonly string[]> = { schwartz: SCHWARTZ_VALUES, fulcra: FULCRA_REWARD_ORDER };

/** FULCRA's default alignment target (its README: achievement, security, conformity, benevolence, universalism = 1). */
export const NAMED_TARGETS: Record<string, Target> = {
  'fulcra-default': { achievement: 1, security: 1, conformity: 1, benevolence: 1, universalism: 1 },
};

const BARE_LIST = /^\s*\[?\s*(-?[\d.]+(?:\s*,\s*-?[\d.]+)*)\s*\]?\s*$/;

function listToObject(xs: readonly unknown[], values: readonly string[], order: TargetOrder | undefined, where: string): Record<string, unknown> {
  const schwartz = values.length === SCHWARTZ_VALUES.length && SCHWARTZ_VALUES.every((v) => values.includes(v));
  if (!schwartz) throw new InputError(`${where}: a bare list of numbers is only read for Schwartz's ten values; name the values (${values.slice(0, 2).map((v) => `${v}=...`).join(',')},...)`);
  if (!order) {
    throw new InputError(
      `${where}: a bare list of ${xs.length} numbers is ambiguous; say its order with --order schwartz (${SCHWARTZ_VALUES.slice(5, 8).join(', ')}, ...) or --order fulcra (${FULCRA_REWARD_ORDER.slice(5, 8).join(', ')}, ...), or name the values (security=1,...)`,
    );
  }
  const ids = TARGET_ORDERS[order];
  if (xs.length !== ids.length) throw new InputError(`${where}: a vector needs ${ids.length} numbers (${order} order: ${ids.join(', ')}), got ${xs.length}`);
  return Object.fromEntries(ids.map((v, i) => [v, xs[i]]));
}

/**
 * A target from `name=value,...`, inline JSON (an object, or an array with `order`), a named
 * profile, a JSON file holding either (or `{"target": ...}`), or a bare vector (`0,0,0,1,...` or
 * `[0, 0, ...]`) in the order `order` names, which a bare vector requires. Values not named are 0;
 * every value must be a known id in [-1, 1]. `order` given with anything but a list is refused (it
 * would be silently ignored).
 */
export function parseTarget(spec: string, values: readonly string[], opts: { order?: TargetOrder } = {}): Target {
  let raw: unknown;
  let list = false;
  const bare = BARE_LIST.exec(spec);
  const toObject = (x: unknown, where: string): unknown => {
    if (!Array.isArray(x)) return x;
    list = true;
    return listToObject(x, values, opts.order, where);
  };
  if (NAMED_TARGETS[spec]) raw = NAMED_TARGETS[spec];
  else if (bare && bare[1]!.includes(',')) {
    list = true;
    raw = listToObject(bare[1]!.split(',').map(Number), values, opts.order, '--target');
  } else if (spec.trim().startsWith('{') || spec.trim().startsWith('[')) {
    try {
      raw = toObject(JSON.parse(spec), '--target');
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError(`--target: not valid JSON (${(e as Error).message})`);
    }
  } else if (/^[\w-]+=/.test(spec)) {
    raw = Object.fromEntries(spec.split(',').map((kv) => {
      const [k, v] = kv.split('=').map((s) => s.trim());
      return [k, Number(v)];
    }));
  } else {
    let text: string;
    try {
      text = readFileSync(spec, 'utf8');
    } catch {
      throw new InputError(`--target: "${spec}" is not a vector (name=value,...), JSON, a named profile (${Object.keys(NAMED_TARGETS).join(', ')}) or a readable file`);
    }
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new InputError(`${spec}: not valid JSON (${(e as Error).message})`);
    }
    if (raw && typeof raw === 'object' && !Array.isArray(raw) && 'target' in raw) raw = (raw as { target: unknown }).target;
    raw = toObject(raw, spec);
  }
  if (opts.order && !list) throw new InputError(`--order ${opts.order}: only a bare list of numbers has an order; "${spec}" names its values`);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new InputError('--target: expected an object of value -> number');
  const target: Target = Object.fromEntries(values.map((v) => [v, 0]));
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (!values.includes(k)) throw new InputError(`--target: "${k}" is not a value of the system (${values.join(', ')})`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < -1 || v > 1) throw new InputError(`--target: ${k} must be a number in [-1, 1], got ${JSON.stringify(v)}`);
    target[k] = v;
  }
  return target;
}

/** The mean vector of evaluated outputs (e.g. a reference model's), as a target. */
export function targetFromVectors(vectors: ReadonlyArray<Record<string, number>>, values: readonly string[]): Target {
  if (vectors.length === 0) throw new InputError('--target-from: no evaluated outputs to average');
  return Object.fromEntries(values.map((v) => [v, vectors.reduce((s, x) => s + (x[v] ?? 0), 0) / vectors.length]));
}
