/**
 * Chosen/rejected preference pairs from alignment results, for DPO-style training. The selecting
 * evaluator ranks the candidates; a pair is kept only when the held-out measurement agrees that the
 * chosen answer is better (a positive held-out margin), so a pair that exists only because of the
 * selecting evaluator's noise is not trained on. The chosen answer is always one the strategy may
 * deliver (substantive; a refusal only when refusals are allowed). Formats:
 *  - trl: TRL's conversational preference format (prompt, chosen, rejected as message lists);
 *  - trl-standard: the same with plain strings;
 *  - openrlhf: chosen and rejected as whole conversations (user + assistant messages), for
 *    OpenRLHF's `--chosen_key chosen --rejected_key rejected --apply_chat_template`.
 * Every record carries the value vectors, losses, kinds and margins beside the training fields.
 */
import type { AlignResult, Candidate } from './align.js';
import type { Target } from './align-target.js';
import { isEligible, type RefusalPolicy } from './answer-kind.js';

export type PairsFormat = 'trl' | 'trl-standard' | 'openrlhf';
export const PAIRS_FORMATS: readonly PairsFormat[] = ['trl', 'trl-standard', 'openrlhf'];

export interface PreferencePairs {
  records: Array<Record<string, unknown>>;
  /** Pairs the selecting evaluator ranked but the measurement did not confirm (held-out margin <= 0). */
  dropped_held_out: number;
  /** Pairs with a side the measurement could not score. */
  dropped_unmeasured: number;
}

/**
 * For each prompt, the best deliverable candidate (by the selecting evaluator) against each
 * candidate at least `margin` worse by the same evaluator, with distinct texts; kept when the
 * held-out loss of the rejected one exceeds the chosen one's.
 */
export function preferencePairs(results: readonly AlignResult[], format: PairsFormat, opts: { margin?: number; target?: Target; refusals?: RefusalPolicy } = {}): PreferencePairs {
  const margin = opts.margin ?? 0.1;
  const refusals = opts.refusals ?? 'avoid';
  const out: PreferencePairs = { records: [], dropped_held_out: 0, dropped_unmeasured: 0 };
  for (const r of results) {
    const ranked = r.candidates.filter((c) => c.distance !== null && c.text.trim() !== '').sort((a, b) => a.distance! - b.distance!);
    const top = ranked.find((c) => isEligible(c.kind, refusals));
    if (!top) continue;
    const seen = new Set<string>([top.text]);
    for (const worse of ranked) {
      if (worse === top || worse.distance! - top.distance! < margin || seen.has(worse.text)) continue;
      seen.add(worse.text);
      const heldOut = heldOutMargin(top, worse);
      if (heldOut === null) {
        out.dropped_unmeasured++;
        continue;
      }
      if (heldOut <= 0) {
        out.dropped_held_out++;
        continue;
      }
      const meta = {
        id: r.id,
        strategy: r.strategy,
        chosen_values: top.vector,
        rejected_values: worse.vector,
        chosen_distance: top.distance,
        rejected_distance: worse.distance,
        chosen_held_out_values: top.held_out!.vector,
        rejected_held_out_values: worse.held_out!.vector,
        held_out_margin: heldOut,
        chosen_kind: top.kind,
        rejected_kind: worse.kind,
        ...(r.self_judged ? { self_judged: true } : {}),
        ...(opts.target ? { target: opts.target } : {}),
      };
      if (format === 'trl') out.records.push({ prompt: [{ role: 'user', content: r.prompt }], chosen: [{ role: 'assistant', content: top.text }], rejected: [{ role: 'assistant', content: worse.text }], ...meta });
      else if (format === 'trl-standard') out.records.push({ prompt: r.prompt, chosen: top.text, rejected: worse.text, ...meta });
      else out.records.push({ chosen: [{ role: 'user', content: r.prompt }, { role: 'assistant', content: top.text }], rejected: [{ role: 'user', content: r.prompt }, { role: 'assistant', content: worse.text }], ...meta });
    }
  }
  return out;
}

function heldOutMargin(chosen: Candidate, rejected: Candidate): number | null {
  const a = chosen.held_out?.distance, b = rejected.held_out?.distance;
  return a === null || a === undefined || b === null || b === undefined ? null : b - a;
}
