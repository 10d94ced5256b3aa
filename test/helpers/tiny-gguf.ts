/**
 * Writes a tiny but real llama-architecture GGUF model (a few dozen kilobytes: one block, 16-wide
 * embeddings, a small SentencePiece-style vocabulary with byte fallback, random F32 weights and a
 * chat template in its metadata), so tests can exercise the real loading, tokenizing, templating
 * and generation code of the local provider without downloading anything.
 */
import { writeFileSync } from 'node:fs';
import { createRng } from '../../src/stats/rng.js';

const T = { UINT32: 4, INT32: 5, FLOAT32: 6, BOOL: 7, STRING: 8, ARRAY: 9 } as const;

type MetaValue =
  | { type: 'u32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'str'; value: string }
  | { type: 'bool'; value: boolean }
  | { type: 'str[]'; value: string[] }
  | { type: 'f32[]'; value: number[] }
  | { type: 'i32[]'; value: number[] };

class Writer {
  private chunks: Buffer[] = [];
  length = 0;
  push(b: Buffer): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }
  i32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.push(b);
  }
  u64(v: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  f32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.push(b);
  }
  str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.push(b);
  }
  pad(alignment: number): void {
    const rem = this.length % alignment;
    if (rem) this.push(Buffer.alloc(alignment - rem));
  }
  buffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

export interface TinyModelOptions {
  /** Model name in the metadata. */
  name?: string;
  /** Include a chat template (Jinja) in the metadata, as instruct models do. */
  chatTemplate?: boolean;
  seed?: number;
}

export const TINY_CHAT_TEMPLATE =
  "{% for message in messages %}<|{{ message['role'] }}|>{{ message['content'] }}</s>{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}";

/** Write the model to `path`; returns the vocabulary for tests that want to check tokens. */
export function writeTinyLlamaGguf(path: string, opts: TinyModelOptions = {}): { vocab: string[] } {
  const rng = createRng(opts.seed ?? 42);
  const chars = [...'▁abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.?!\'-'];
  const words = [...chars, '▁honesty', '▁kindness', '▁fairness', '▁I', '▁value', '▁help', '▁care', '▁the', '▁and', '▁a', '▁to', '▁is', '▁of', '▁be', '▁"', '"', '{', '}', ':', ',', '1', '2', '3', '4', '5', '<|user|>', '<|assistant|>', '<|system|>'];
  const vocab = ['<unk>', '<s>', '</s>', ...Array.from({ length: 256 }, (_, i) => `<0x${i.toString(16).toUpperCase().padStart(2, '0')}>`), ...words];
  const tokenType = vocab.map((t, i) => (i === 0 ? 2 : i < 3 ? 3 : i < 259 ? 6 : t.startsWith('<|') ? 4 : 1));
  const scores = vocab.map((_, i) => (i < 259 ? 0 : -i));

  const nEmbd = 16;
  const nHead = 2;
  const nFf = 32;
  const nVocab = vocab.length;
  const meta: Array<[string, MetaValue]> = [
    ['general.architecture', { type: 'str', value: 'llama' }],
    ['general.name', { type: 'str', value: opts.name ?? 'tiny-llama-test' }],
    ['general.file_type', { type: 'u32', value: 0 }],
    ['general.alignment', { type: 'u32', value: 32 }],
    ['llama.context_length', { type: 'u32', value: 256 }],
    ['llama.embedding_length', { type: 'u32', value: nEmbd }],
    ['llama.block_count', { type: 'u32', value: 1 }],
    ['llama.feed_forward_length', { type: 'u32', value: nFf }],
    ['llama.attention.head_count', { type: 'u32', value: nHead }],
    ['llama.attention.head_count_kv', { type: 'u32', value: nHead }],
    ['llama.rope.dimension_count', { type: 'u32', value: nEmbd / nHead }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'f32', value: 1e-5 }],
    ['llama.vocab_size', { type: 'u32', value: nVocab }],
    ['tokenizer.ggml.model', { type: 'str', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'str[]', value: vocab }],
    ['tokenizer.ggml.scores', { type: 'f32[]', value: scores }],
    ['tokenizer.ggml.token_type', { type: 'i32[]', value: tokenType }],
    ['tokenizer.ggml.unknown_token_id', { type: 'u32', value: 0 }],
    ['tokenizer.ggml.bos_token_id', { type: 'u32', value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: 'u32', value: 2 }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
  ];
  if (opts.chatTemplate) meta.push(['tokenizer.chat_template', { type: 'str', value: TINY_CHAT_TEMPLATE }]);

  // ggml dimension order: ne[0] (the contiguous one) first.
  const tensors: Array<{ name: string; dims: number[] }> = [
    { name: 'token_embd.weight', dims: [nEmbd, nVocab] },
    { name: 'output_norm.weight', dims: [nEmbd] },
    { name: 'output.weight', dims: [nEmbd, nVocab] },
    { name: 'blk.0.attn_norm.weight', dims: [nEmbd] },
    { name: 'blk.0.attn_q.weight', dims: [nEmbd, nEmbd] },
    { name: 'blk.0.attn_k.weight', dims: [nEmbd, nEmbd] },
    { name: 'blk.0.attn_v.weight', dims: [nEmbd, nEmbd] },
    { name: 'blk.0.attn_output.weight', dims: [nEmbd, nEmbd] },
    { name: 'blk.0.ffn_norm.weight', dims: [nEmbd] },
    { name: 'blk.0.ffn_gate.weight', dims: [nEmbd, nFf] },
    { name: 'blk.0.ffn_up.weight', dims: [nEmbd, nFf] },
    { name: 'blk.0.ffn_down.weight', dims: [nFf, nEmbd] },
  ];

  const w = new Writer();
  w.push(Buffer.from('GGUF', 'ascii'));
  w.u32(3);
  w.u64(tensors.length);
  w.u64(meta.length);
  for (const [key, v] of meta) {
    w.str(key);
    switch (v.type) {
      case 'u32':
        w.u32(T.UINT32);
        w.u32(v.value);
        break;
      case 'f32':
        w.u32(T.FLOAT32);
        w.f32(v.value);
        break;
      case 'bool':
        w.u32(T.BOOL);
        w.push(Buffer.from([v.value ? 1 : 0]));
        break;
      case 'str':
        w.u32(T.STRING);
        w.str(v.value);
        break;
      case 'str[]':
        w.u32(T.ARRAY);
        w.u32(T.STRING);
        w.u64(v.value.length);
        for (const s of v.value) w.str(s);
        break;
      case 'f32[]':
        w.u32(T.ARRAY);
        w.u32(T.FLOAT32);
        w.u64(v.value.length);
        for (const x of v.value) w.f32(x);
        break;
      case 'i32[]':
        w.u32(T.ARRAY);
        w.u32(T.INT32);
        w.u64(v.value.length);
        for (const x of v.value) w.i32(x);
        break;
    }
  }
  let offset = 0;
  const sizes: number[] = [];
  for (const t of tensors) {
    w.str(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(0); // GGML_TYPE_F32
    w.u64(offset);
    const bytes = t.dims.reduce((a, b) => a * b, 1) * 4;
    sizes.push(bytes);
    offset += Math.ceil(bytes / 32) * 32;
  }
  w.pad(32);
  tensors.forEach((t, i) => {
    const n = sizes[i]! / 4;
    const data = Buffer.alloc(Math.ceil(sizes[i]! / 32) * 32);
    const isNorm = t.name.endsWith('norm.weight');
    for (let k = 0; k < n; k++) data.writeFloatLE(isNorm ? 1 : rng.normal() * 0.5, k * 4);
    w.push(data);
  });
  writeFileSync(path, w.buffer());
  return { vocab };
}
