/**
 * `valuelex align --input prompts.jsonl --target <vector|profile.json|name> --model <provider/id>
 * --strategy best-of-n|revise|system-prompt --evaluator judge|classifier:<model.json> [--judge ...]`:
 * steer a model's answers toward a target value vector, report before/after distances, and export
 * preference pairs (TRL DPO / OpenRLHF JSONL). Resumable: answers and judge scores are cached in
 * --store. Implementation in ../actions/align.ts, on src/evaluation/align-file.ts.
 */
import type { Command } from 'commander';
import { lazy } from '../util.js';

export function register(program: Command): void {
  program
    .command('align')
    .description('steer answers toward a target value vector (best-of-n, revise, system-prompt); before/after distances; preference pairs')
    .requiredOption('--input <prompts.jsonl>', 'prompts, one {"id", "prompt"} a line')
    .option('--target <spec>', 'name=value,... | JSON | profile.json | fulcra-default')
    .option('--target-from <evaluated.jsonl>', 'target = mean vector of evaluated outputs (e.g. a reference model, from valuelex evaluate)')
    .requiredOption('--model <provider/model>', 'the model to steer')
    .option('--base-url <url>', "the model's server")
    .option('--api-key-env <name>', "environment variable with the model's API key")
    .option('--strategy <s>', 'best-of-n | revise | system-prompt', 'best-of-n')
    .option('--n <n>', 'best-of-n: samples per prompt', '4')
    .option('--rounds <k>', 'revise: feedback rounds', '2')
    .option('--metric <m>', 'distance: l2 | l1 | cosine', 'l2')
    .option('--evaluator <kind>', 'judge | classifier:<model.json>', 'judge')
    .option('--judge <provider/model>', 'judge model for --evaluator judge')
    .option('--judge-base-url <url>', "the judge's server")
    .option('--judge-api-key-env <name>', "environment variable with the judge's API key")
    .option('--system <system>', 'value system: schwartz or a value-system file', 'schwartz')
    .option('--temperature <t>', 'sampling temperature of the steered model', '0.8')
    .option('--store <file>', 'run database (answers, scores, results)', 'runs/align/run.db')
    .option('--out <file>', 'write every prompt result (all candidates with vectors) as JSONL')
    .option('--export-pairs <file>', 'write chosen/rejected preference pairs as JSONL')
    .option('--pairs-format <f>', 'trl | trl-standard | openrlhf', 'trl')
    .option('--margin <d>', 'minimum distance gap between chosen and rejected', '0.1')
    .option('--json', 'print the summary as JSON')
    .action(lazy(() => import('../actions/align.js').then((m) => m.align)));
}
