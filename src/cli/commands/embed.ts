/**
 * `valuelex embed --input words.txt [--backend glove|openai|ollama|transformers] [--model M] [--path dir]
 * [--base-url URL] [--api-key-env NAME] --out vectors.csv [--json]`: one text a line (blank lines
 * are skipped); writes a CSV with the text and one column per dimension. With GloVe, texts with
 * words outside the vocabulary are listed (embedded by backoff), and a text with no embeddable word
 * is named in a warning and written as a zero vector rather than failing the file.
 */
import type { Command } from 'commander';
import { lazy } from '../util.js';

export function register(program: Command): void {
  program
    .command('embed')
    .description('embed texts (one a line) into vectors; writes text + d columns as CSV')
    .requiredOption('--input <file>', 'text file, one text a line')
    .requiredOption('--out <file>', 'CSV to write')
    .option('--backend <name>', 'glove | openai | ollama | transformers', 'glove')
    .option('--model <name>', 'model name (openai, ollama)')
    .option('--path <dir>', 'model folder (transformers: a sentence-transformers model in ONNX form)')
    .option('--base-url <url>', 'server base URL (openai-compatible, ollama)')
    .option('--api-key-env <NAME>', 'environment variable holding the API key')
    .option('--json', 'print a JSON summary')
    .action(
      lazy(() => import('../actions/embed.js').then((m) => m.embed)),
    );
}
