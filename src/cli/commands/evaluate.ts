/**
 * Value evaluation on the command line (implementations in ../actions/evaluate.ts, on
 * src/evaluation/evaluate-file.ts):
 *  - `valuelex evaluate --input pairs.jsonl --evaluator judge|classifier:model.json|ensemble --out out.jsonl`
 *  - `valuelex train-evaluator --train train.jsonl [--test test.jsonl] --out model.json [--cv 5]
 *    [--features combined|embedding|bow] [--l2 x] [--no-tune]`
 *  - `valuelex value-profiles --input pairs.jsonl [--store run.db]`
 */
import type { Command } from 'commander';
import { lazy } from '../util.js';

const impl = () => import('../actions/evaluate.js');

export function register(program: Command): void {
  program
    .command('evaluate')
    .description("map (prompt, response) pairs onto a value system (Schwartz's ten by default); metrics when labels are present")
    .requiredOption('--input <file>', 'JSONL pairs (value-pairs contract or FULCRA native)')
    .option('--evaluator <kind>', 'judge | classifier:<model.json> | ensemble (needs --model and --classifier)', 'judge')
    .option('--model <provider/model>', 'the judge model, e.g. openai/gpt-4o-mini')
    .option('--base-url <url>', 'base URL of the judge server')
    .option('--api-key-env <name>', 'environment variable holding the judge API key')
    .option('--classifier <model.json>', 'classifier file for --evaluator ensemble (or classifier)')
    .option('--embedding-base-url <url>', "base URL of the classifier's embedding server (openai/ollama backends)")
    .option('--embedding-api-key-env <name>', "environment variable with the embedding server's key")
    .option('--judge-weight <w>', 'ensemble weight of the judge (the classifier gets 1 - w)', '0.5')
    .option('--repeats <k>', 'judge each pair k times; the score is the majority', '1')
    .option('--allow-judge-change', 'append to an --out whose scores came from another judge configuration')
    .option('--system <system>', 'value system: schwartz or a value-system file', 'schwartz')
    .option('--source <name>', 'source model name for FULCRA answer files (default: from the file name)')
    .requiredOption('--out <file>', 'JSONL output (appended; ids already there are skipped)')
    .option('--store <file>', 'run database: judge answer cache and the value analysis for the report', 'runs/evaluate/run.db')
    .option('--json', 'print the metrics as JSON')
    .action(lazy(() => impl().then((m) => m.evaluate)));

  program
    .command('train-evaluator')
    .description('train the value classifier (TF-IDF + phrase embeddings, logistic regression per value with decision thresholds tuned by inner CV); --cv compares it with the baselines')
    .requiredOption('--train <file>', 'labeled JSONL pairs (value-pairs contract or FULCRA native)')
    .option('--test <file>', 'held-out labeled pairs to report metrics on')
    .option('--out <model.json>', 'where to save the trained model')
    .option('--features <kind>', 'combined (TF-IDF + embeddings, the default) | embedding | bow (the bag-of-words baseline)', 'combined')
    .option('--learner <kind>', 'logistic (softmax regression per value) | mlp (shared hidden layer, a head per value; embedding features)', 'logistic')
    .option('--embedding <backend>', 'glove | openai:<model> | ollama:<model> | transformers:<model folder>', 'glove')
    .option('--embedding-base-url <url>', 'base URL of the embedding server')
    .option('--embedding-api-key-env <name>', "environment variable with the embedding server's key")
    .option('--l2 <x>', 'L2 penalty per observation (default 0.0001 combined, 0.01 embedding and bow)')
    .option('--no-tune', 'decide by argmax instead of thresholds and calibration fitted by inner cross-validation')
    .option('--cv <k>', 'k-fold cross-validation of the classifier against the majority and bag-of-words baselines')
    .option('--seed <n>', 'seed of the folds', '1')
    .option('--json', 'print the result as JSON')
    .action(lazy(() => impl().then((m) => m.trainEvaluator)));

  program
    .command('value-profiles')
    .description('per-source value profiles with intervals, distances, value-by-risk table, from labeled or evaluated pairs')
    .requiredOption('--input <files...>', 'JSONL pairs (contract, FULCRA native or FULCRA answer files), several allowed')
    .option('--store <file>', 'run database to save the analysis in, for valuelex report')
    .option('--json', 'print the analysis as JSON')
    .action(lazy(() => impl().then((m) => m.valueProfiles)));
}
