/**
 * Model references for the in-process local provider: a Hugging Face GGUF URI
 * (`hf:<user>/<repo>/<file>.gguf`, optionally `hf:<user>/<repo>/<file>.gguf@<revision>`), an
 * https URL to a .gguf file, or a path on disk.
 */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { InputError } from '../../core/errors.js';

export type ModelRef =
  | { kind: 'path'; path: string }
  | { kind: 'url'; url: string; cacheName: string }
  | { kind: 'hf'; user: string; repo: string; file: string; revision: string; url: string; cacheName: string };

/** Where downloaded models live: $VALUELEX_MODELS_DIR, else $VALUELEX_CACHE_DIR/models, else ~/.cache/valuelex/models. */
export function modelsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VALUELEX_MODELS_DIR) return resolve(env.VALUELEX_MODELS_DIR);
  const base = env.VALUELEX_CACHE_DIR ? resolve(env.VALUELEX_CACHE_DIR) : join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'valuelex');
  return join(base, 'models');
}

/** The hub's address; HF_ENDPOINT is the standard variable for mirrors (and for tests). */
export function hubEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return (env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, '');
}

export function parseModelRef(ref: string, env: NodeJS.ProcessEnv = process.env): ModelRef {
  if (ref.startsWith('hf:')) {
    const body = ref.slice(3);
    const [pathPart, revision = 'main'] = body.split('@') as [string, string?];
    const parts = pathPart.split('/').filter(Boolean);
    if (parts.length < 3 || !parts[parts.length - 1]!.endsWith('.gguf')) {
      throw new InputError(`model "${ref}": expected hf:<user>/<repo>/<file>.gguf`);
    }
    const [user, repo, ...rest] = parts as [string, string, ...string[]];
    const file = rest.join('/');
    const url = `${hubEndpoint(env)}/${user}/${repo}/resolve/${encodeURIComponent(revision)}/${rest.map(encodeURIComponent).join('/')}`;
    return { kind: 'hf', user, repo, file, revision, url, cacheName: join('hf', user, repo, revision, ...rest) };
  }
  if (/^https?:\/\//.test(ref)) {
    const u = new URL(ref);
    const name = u.pathname.split('/').filter(Boolean).pop() ?? 'model.gguf';
    if (!name.endsWith('.gguf')) throw new InputError(`model "${ref}": the URL must point to a .gguf file`);
    return { kind: 'url', url: ref, cacheName: join('url', u.host, ...u.pathname.split('/').filter(Boolean)) };
  }
  return { kind: 'path', path: isAbsolute(ref) ? ref : resolve(ref) };
}
