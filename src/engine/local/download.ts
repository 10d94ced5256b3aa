/**
 * Downloading a model file once into the cache folder: resumable (HTTP Range onto a `.part`
 * file), size- and checksum-checked (the hub's X-Linked-Size / X-Linked-ETag, which are the LFS
 * object's byte size and SHA-256, or values given in the config), atomic (rename after
 * verification, so a killed download never leaves a file that looks complete), with a progress
 * bar; afterwards the cached file is reused offline.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createRequire } from 'node:module';
import type cliProgress from 'cli-progress';
import { modelsDir, parseModelRef, type ModelRef } from './model-ref.js';

export class DownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DownloadError';
  }
}

export interface DownloadOptions {
  /** Expected size in bytes and SHA-256 (hex), when known in advance. */
  expectedSize?: number | undefined;
  expectedSha256?: string | undefined;
  /** Bearer token for gated repositories (read from HF_TOKEN by default). */
  token?: string | undefined;
  progress?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Called with (received, total) as bytes arrive. */
  onProgress?: (received: number, total: number | undefined) => void;
}

interface Sidecar {
  url: string;
  size: number;
  sha256: string;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

interface RemoteInfo {
  size: number | undefined;
  sha256: string | undefined;
}

async function remoteInfo(url: string, headers: Record<string, string>): Promise<RemoteInfo> {
  // The hub answers a HEAD on /resolve/ with a redirect whose headers carry the LFS size and hash.
  let res: Response;
  try {
    res = await fetch(url, { method: 'HEAD', headers, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
  } catch (e) {
    throw new DownloadError(`cannot reach ${url} (${(e as Error).message}); check the network or use a local .gguf path`);
  }
  if (res.status === 401 || res.status === 403) throw new DownloadError(`${url}: HTTP ${res.status} (gated or private: set HF_TOKEN)`);
  if (res.status === 404) throw new DownloadError(`${url}: HTTP 404 (no such file in that repository/revision)`);
  if (res.status >= 400) throw new DownloadError(`${url}: HTTP ${res.status}`);
  const etag = (res.headers.get('x-linked-etag') ?? res.headers.get('etag') ?? '').replace(/^W\//, '').replace(/"/g, '');
  const sizeHeader = res.headers.get('x-linked-size') ?? (res.status < 300 ? res.headers.get('content-length') : null);
  return { size: sizeHeader ? Number(sizeHeader) : undefined, sha256: /^[0-9a-f]{64}$/.test(etag) ? etag : undefined };
}

/** Resolve a model reference to a local file, downloading it first when needed. */
export async function ensureModelFile(ref: string | ModelRef, opts: DownloadOptions = {}): Promise<string> {
  const env = opts.env ?? process.env;
  const parsed = typeof ref === 'string' ? parseModelRef(ref, env) : ref;
  if (parsed.kind === 'path') {
    if (!existsSync(parsed.path)) throw new DownloadError(`model file ${parsed.path} does not exist`);
    return parsed.path;
  }
  const target = join(modelsDir(env), parsed.cacheName);
  const sidecarPath = `${target}.json`;
  if (existsSync(target) && existsSync(sidecarPath)) {
    const side = JSON.parse(readFileSync(sidecarPath, 'utf8')) as Sidecar;
    if (statSync(target).size === side.size && (!opts.expectedSha256 || opts.expectedSha256 === side.sha256)) return target;
  }
  mkdirSync(dirname(target), { recursive: true });
  const token = opts.token ?? env.HF_TOKEN;
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const info = await remoteInfo(parsed.url, headers);
  const expectedSize = opts.expectedSize ?? info.size;
  const expectedSha = opts.expectedSha256 ?? info.sha256;
  const part = `${target}.part`;
  let start = existsSync(part) ? statSync(part).size : 0;
  if (expectedSize !== undefined && start > expectedSize) {
    unlinkSync(part);
    start = 0;
  }
  if (expectedSize === undefined || start < expectedSize) {
    let res: Response;
    try {
      res = await fetch(parsed.url, { headers: { ...headers, ...(start > 0 ? { range: `bytes=${start}-` } : {}) }, redirect: 'follow' });
    } catch (e) {
      throw new DownloadError(`download of ${parsed.url} failed (${(e as Error).message}); re-run to resume`);
    }
    if (!res.ok || !res.body) throw new DownloadError(`download of ${parsed.url}: HTTP ${res.status}`);
    if (start > 0 && res.status !== 206) start = 0; // the server ignored the range: start over
    const total = expectedSize ?? (res.headers.get('content-length') ? start + Number(res.headers.get('content-length')) : undefined);
    // The bar's library loads only when a terminal shows it (every run imports this module).
    const bars = opts.progress && process.stderr.isTTY && total ? (createRequire(import.meta.url)('cli-progress') as typeof cliProgress) : undefined;
    const bar = bars
      ? new bars.SingleBar({ stream: process.stderr, format: `downloading ${parsed.cacheName.split('/').pop()} |{bar}| {percentage}% {value}/{total} MB | ETA {eta_formatted}` }, bars.Presets.shades_classic)
      : undefined;
    bar?.start(Math.round(total! / 1e6), Math.round(start / 1e6));
    let received = start;
    const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
    body.on('data', (chunk: Buffer) => {
      received += chunk.length;
      opts.onProgress?.(received, total);
      bar?.update(Math.round(received / 1e6));
    });
    try {
      await pipeline(body, createWriteStream(part, { flags: start > 0 ? 'a' : 'w' }));
    } catch (e) {
      throw new DownloadError(`download of ${parsed.url} interrupted at ${received} bytes (${(e as Error).message}); re-run to resume`);
    } finally {
      bar?.stop();
    }
  }
  const size = statSync(part).size;
  if (expectedSize !== undefined && size !== expectedSize) {
    throw new DownloadError(`download of ${parsed.url}: got ${size} bytes, expected ${expectedSize}; re-run to resume`);
  }
  const sha = await sha256File(part);
  if (expectedSha && sha !== expectedSha) {
    unlinkSync(part);
    throw new DownloadError(`download of ${parsed.url}: SHA-256 ${sha} does not match the expected ${expectedSha}; the partial file was removed`);
  }
  renameSync(part, target);
  writeFileSync(sidecarPath, JSON.stringify({ url: parsed.url, size, sha256: sha } satisfies Sidecar));
  return target;
}
