/**
 * The GloVe binary cache read in place: the header and the vocabulary are read at open, matrix
 * rows on demand, in blocks of BLOCK_ROWS rows (a scan over the vocabulary reads each block once),
 * at most MAX_BLOCKS blocks kept (26 MB, against 136 MB for the whole matrix). The file stays
 * open while the vectors are in use and is closed when they are collected.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { GLOVE_HEADER_BYTES, GLOVE_MAGIC } from './glove-convert.js';
import { wordVectors, type WordVectors } from './word-vectors.js';
import { EmbeddingError } from './types.js';

const BLOCK_ROWS = 16;
const MAX_BLOCKS = 4096;

const closer = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // already closed: nothing to release
  }
});

function readExactly(fd: number, length: number, position: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) throw new EmbeddingError('glove: binary cache ended early (delete it to rebuild)');
    done += n;
  }
  return buf;
}

/** Open the binary cache; throws EmbeddingError on a corrupt or foreign file. */
export function openGloveFile(file: string): WordVectors {
  const fd = openSync(file, 'r');
  try {
    const head = readExactly(fd, GLOVE_HEADER_BYTES, 0);
    if (head.toString('latin1', 0, 8) !== GLOVE_MAGIC) throw new EmbeddingError('glove: binary cache has a wrong header (delete it to rebuild)');
    const dim = head.readUInt32LE(8);
    const count = head.readUInt32LE(12);
    const vocabLen = head.readUInt32LE(16);
    const vocabPadded = Math.ceil(vocabLen / 4) * 4;
    const matrixStart = GLOVE_HEADER_BYTES + vocabPadded;
    const expected = matrixStart + count * dim * 4;
    const size = fstatSync(fd).size;
    if (size !== expected) throw new EmbeddingError(`glove: binary cache has ${size} bytes, expected ${expected} (delete it to rebuild)`);
    const words = count === 0 ? [] : readExactly(fd, vocabLen, GLOVE_HEADER_BYTES).toString('utf8').split('\n');
    if (words.length !== count) throw new EmbeddingError('glove: binary cache vocabulary is corrupt (delete it to rebuild)');
    const rowBytes = dim * 4;
    const blocks = new Map<number, Float32Array>();
    // The file closes when nothing can read it any more: `row` holds the handle, and whatever holds
    // `row` (the vectors, or a caller that kept the function) keeps it open.
    const handle = { fd };
    const row = (rank: number): Float32Array => {
      if (!Number.isInteger(rank) || rank < 0 || rank >= count) throw new RangeError(`glove: no row ${rank} (vocabulary of ${count})`);
      const b = Math.floor(rank / BLOCK_ROWS);
      let block = blocks.get(b);
      if (!block) {
        if (blocks.size >= MAX_BLOCKS) blocks.clear();
        const first = b * BLOCK_ROWS;
        const rows = Math.min(BLOCK_ROWS, count - first);
        const buf = readExactly(handle.fd, rows * rowBytes, matrixStart + first * rowBytes);
        // A fresh buffer of this size is its own allocation, 8-aligned; copy only if it is not 4-aligned.
        block = buf.byteOffset % 4 === 0 ? new Float32Array(buf.buffer, buf.byteOffset, rows * dim) : new Float32Array(Uint8Array.from(buf).buffer);
        blocks.set(b, block);
      }
      const at = (rank - b * BLOCK_ROWS) * dim;
      return block.subarray(at, at + dim);
    };
    const vectors = wordVectors(dim, words, row);
    closer.register(handle, fd);
    return vectors;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}
