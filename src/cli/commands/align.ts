/**
 * `valuelex align --input prompts.jsonl --target <name=v,...|profile.json|v1,...,v10 --order schwartz|fulcra>
 * --model <provider/id> --strategy best-of-n|revise|system-prompt [--measure-with judge:<model>|classifier:<model.json>]
 * [--allow-self-judge]`: steer a model's answers toward a target value vector; report the
 * selection-time gain and the held-out gain (headline), refusal shares, and export preference pairs
 * the held-out measurement confirms (TRL DPO / OpenRLHF JSONL). Resumable: answers and judge scores
 * are cached in --store. Implementation in ../actions/align.ts, on src/evaluation/align-file.ts.
 */
import type { Command } from 'commander';
import { lazy } from '../util.js';

export function register(program: Command): void {
  program
    .command('align')
    .description('steer answers toward a target value vector (best-of-n, revise, system-prompt); held-out gain; preference pairs')
    .requiredOption('--input <prompts.jsonl>', 'prompts, one {"id", "prompt"} a line')
    .option('--target <spec>', 'name=value,... | JSON | profile.json | fulcra-default | a list of 10 numbers with --order')
    .option('--order <order>', 'order of a --target list of numbers: schwartz (conformity before tradition) | fulcra (tradition first)')
    .option('--target-from <evaluated.jsonl>', 'target = mean vector of evaluated outputs (e.g. a reference model, from valuelex evaluate)')
    .requiredOption('--model <provider/model>', 'the model to steer')
    .option('--base-url <url>', "the model's server")
    .option('--api-key-env <name>', "environment variable with the model's API key")
    .option('--strategy <s>', 'best-of-n | revise | system-prompt', 'best-of-n')
    .option('--n <n>', 'best-of-n: samples per prompt', '4')
    .option('--rounds <k>', 'revise: feedback rounds', '2')
    .option('--objective <o>', 'what to minimise: l2 | l1 | cosine distance, or fulcra (the BaseAlign reward)', 'l2')
    .option('--metric <m>', 'the same as --objective (earlier name)')
    .option('--fulcra-confidence <c>', 'fulcra objective: |score| below this counts as not expressed', '0.5')
    .option('--evaluator <kind>', 'the selecting evaluator: judge | judge:<provider/model> | classifier:<model.json>', 'judge')
    .option('--judge <provider/model>', 'judge model for --evaluator judge')
    .option('--judge-base-url <url>', "the judge's server")
    .option('--judge-api-key-env <name>', "environment variable with the judge's API key")
    .option('--measure-with <spec>', 'held-out measurement: judge:<provider/model> | classifier:<model.json> (default: fresh calls of the selecting judge)')
    .option('--measure-base-url <url>', "the measuring judge's server")
    .option('--measure-api-key-env <name>', "environment variable with the measuring judge's API key")
    .option('--measure-repeats <k>', 'judge calls per measured answer (majority per value)', '1')
    .option('--allow-self-judge', 'let the steered model judge its own answers (labelled in every output)')
    .option('--refusals <policy>', 'avoid (never choose a refusal over a substantive answer) | allow (the target calls for refusal)', 'avoid')
    .option('--system <system>', 'value system: schwartz or a value-system file', 'schwartz')
    .option('--temperature <t>', 'sampling temperature of the steered model', '0.8')
    .option('--store <file>', 'run database (answers, scores, results)', 'runs/align/run.db')
    .option('--out <file>', 'write every prompt result (all candidates with vectors and kinds) as JSONL')
    .option('--export-pairs <file>', 'write chosen/rejected preference pairs (held-out margin > 0 only) as JSONL')
    .option('--pairs-format <f>', 'trl | trl-standard | openrlhf', 'trl')
    .option('--margin <d>', 'minimum selection-time loss gap between chosen and rejected', '0.1')
    .option('--json', 'print the summary as JSON')
    .action(lazy(() => import('../actions/align.js').then((m) => m.align)));
}
