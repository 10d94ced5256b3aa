/**
 * A tiny sentence-embedding model folder built by the test suite, in the layout transformers.js
 * loads offline (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx): a BERT-style
 * WordPiece tokenizer and an ONNX graph whose last_hidden_state is an embedding lookup
 * (Gather of a fixed table by input_ids). The ONNX protobuf is written by hand (a few fields of
 * ModelProto), so no Python or model hub is needed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// ---- minimal protobuf writer ----
function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}
const key = (field: number, wire: number): number[] => varint((field << 3) | wire);
const vint = (field: number, n: number | bigint): number[] => [...key(field, 0), ...varint(n)];
const bytes = (field: number, b: ArrayLike<number>): number[] => [...key(field, 2), ...varint(b.length), ...Array.from(b)];
const str = (field: number, s: string): number[] => bytes(field, Buffer.from(s, 'utf8'));

// TypeProto.Tensor with a shape of symbolic or fixed dims
function tensorType(elemType: number, dims: Array<string | number>): number[] {
  const shape = dims.flatMap((d) => bytes(1, typeof d === 'string' ? str(2, d) : vint(1, d)));
  const tensor = [...vint(1, elemType), ...bytes(2, shape)];
  return bytes(1, tensor); // TypeProto.tensor_type = 1
}
const valueInfo = (field: number, name: string, elemType: number, dims: Array<string | number>): number[] => bytes(field, [...str(1, name), ...bytes(2, tensorType(elemType, dims))]);

const FLOAT = 1, INT64 = 7;

export const TINY_VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'honesty', 'kindness', 'care', 'safety', 'security', 'order', 'freedom', 'creativity', 'power', 'wealth', 'fun', 'pleasure', 'the', 'and', 'is', '##s', '##ness'];

/** The embedding of a token: a fixed, distinct vector per id (dimension 8). */
export function tokenVector(id: number): number[] {
  return Array.from({ length: 8 }, (_, j) => Math.sin((id + 1) * (j + 1) * 0.7) + (j === id % 8 ? 1 : 0));
}

export function buildTinyOnnxModel(dir: string): string {
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const dim = 8, vocab = TINY_VOCAB.length;
  const table = new Float32Array(vocab * dim);
  for (let i = 0; i < vocab; i++) table.set(tokenVector(i), i * dim);
  const initializer = bytes(5, [...vint(1, vocab), ...vint(1, dim), ...vint(2, FLOAT), ...str(8, 'embeddings'), ...bytes(9, new Uint8Array(table.buffer))]);
  // Gather(embeddings, input_ids) -> last_hidden_state; attention_mask and token_type_ids are
  // declared inputs (transformers.js feeds what a BERT graph takes) and pass through Identity nodes
  // into unused outputs so the graph stays valid.
  const gather = bytes(1, [...str(1, 'embeddings'), ...str(1, 'input_ids'), ...str(2, 'last_hidden_state'), ...str(3, 'gather'), ...str(4, 'Gather'), ...bytes(5, [...str(1, 'axis'), ...vint(3, 0), ...vint(20, 2)])]);
  const idMask = bytes(1, [...str(1, 'attention_mask'), ...str(2, 'mask_out'), ...str(3, 'mask_identity'), ...str(4, 'Identity')]);
  const idType = bytes(1, [...str(1, 'token_type_ids'), ...str(2, 'type_out'), ...str(3, 'type_identity'), ...str(4, 'Identity')]);
  const graph = [
    ...gather,
    ...idMask,
    ...idType,
    ...str(2, 'tiny'),
    ...initializer,
    ...valueInfo(11, 'input_ids', INT64, ['batch', 'sequence']),
    ...valueInfo(11, 'attention_mask', INT64, ['batch', 'sequence']),
    ...valueInfo(11, 'token_type_ids', INT64, ['batch', 'sequence']),
    ...valueInfo(12, 'last_hidden_state', FLOAT, ['batch', 'sequence', dim]),
    ...valueInfo(12, 'mask_out', INT64, ['batch', 'sequence']),
    ...valueInfo(12, 'type_out', INT64, ['batch', 'sequence']),
  ];
  const model = [...vint(1, 8), ...str(2, 'valuelex-test'), ...bytes(7, graph), ...bytes(8, [...str(1, ''), ...vint(2, 13)])];
  writeFileSync(join(dir, 'onnx', 'model.onnx'), Buffer.from(model));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'bert', architectures: ['BertModel'], hidden_size: dim, vocab_size: vocab, num_attention_heads: 1, num_hidden_layers: 1 }));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: 64, cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]', mask_token: '[MASK]' }));
  const vocabMap = Object.fromEntries(TINY_VOCAB.map((t, i) => [t, i]));
  writeFileSync(
    join(dir, 'tokenizer.json'),
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map((t, i) => ({ id: i, content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
      normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: {
        type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
        pair: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }],
        special_tokens: { '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] } },
      },
      decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
      model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: vocabMap },
    }),
  );
  return dir;
}
