/**
 * API keys come only from environment variables named in the config. Every key we read (and every
 * password found in a URL) is registered here so that any text leaving the process (errors, logs,
 * stored rows, reports) can be scrubbed of it. A hostile or careless server may echo a key back in
 * an answer, plainly or base64-encoded (HTTP Basic auth, a JSON dump of its headers), so each
 * secret is redacted in every form a server is likely to send it in: as is, base64 (standard and
 * URL-safe, at any alignment inside a longer base64 text), percent-encoded and JSON-escaped.
 */
const registered = new Set<string>();
/** Every form of every registered secret, longest first (so a longer form is replaced whole). */
let forms: string[] = [];

/** Shorter secrets (and shorter encoded forms) would redact ordinary words. */
const MIN_SECRET_LENGTH = 4;
const MIN_FORM_LENGTH = 8;

/**
 * The base64 text of `secret` as it appears inside a longer base64 text that holds it at byte
 * offset 0, 1 or 2 (mod 3): the characters fully determined by the secret's bytes alone.
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const out: string[] = [];
  for (let k = 0; k < 3; k++) {
    const padded = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64').replace(/=+$/, '');
    const first = Math.ceil((4 * k) / 3);
    const last = Math.floor(((k + bytes.length) * 8) / 6);
    const core = padded.slice(first, last);
    if (core.length >= MIN_FORM_LENGTH) out.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return out;
}

function formsOf(secret: string): string[] {
  const out = new Set<string>([secret]);
  if (secret.length >= MIN_FORM_LENGTH) for (const f of base64Forms(secret)) out.add(f);
  const percent = encodeURIComponent(secret);
  if (percent !== secret) out.add(percent);
  const json = JSON.stringify(secret).slice(1, -1);
  if (json !== secret) out.add(json);
  return [...out];
}

/** Remember a secret so that it (and its encoded forms) is redacted from all text from now on. */
export function registerSecret(value: string): void {
  if (value.length < MIN_SECRET_LENGTH || registered.has(value)) return;
  registered.add(value);
  forms = [...new Set([...forms, ...formsOf(value)])].sort((a, b) => b.length - a.length);
}

/** Read a key from the environment and remember it for redaction. */
export function readApiKey(envName: string | undefined): string | undefined {
  if (!envName) return undefined;
  const value = process.env[envName];
  if (value) registerSecret(value);
  return value || undefined;
}

const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)([^\s@/]+)@/gi;

/**
 * Register the password of a URL with credentials (`http://user:password@proxy/v1`, a PostgreSQL
 * URL), in its written (percent-encoded) and decoded forms.
 */
export function registerUrlSecret(url: string | undefined): void {
  if (!url) return;
  for (const m of url.matchAll(URL_PASSWORD)) {
    const password = m[2]!;
    registerSecret(password);
    try {
      registerSecret(decodeURIComponent(password));
    } catch {
      // not percent-encoded
    }
  }
}

/** A URL fit for messages and stores: the password of any `scheme://user:password@` shows as ***. */
export function redactUrlPassword(text: string): string {
  return text.replace(URL_PASSWORD, '$1***@');
}

const KEY_PATTERNS: RegExp[] = [
  /\bsk-(?:ant-)?(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{16,}/g, // OpenAI- and Anthropic-style keys
  /(Bearer\s+)(?=[A-Za-z0-9._~+/=-]*\d)[A-Za-z0-9._~+/=-]{16,}/gi,
  /(x-api-key["']?\s*[:=]\s*["']?)[A-Za-z0-9._-]{12,}/gi,
];
/** A cheap test before the patterns run: most text holds nothing key-like at all. */
const MAYBE_KEY = /sk-|bearer|x-api-key|:\/\//i;

/** `text` with every registered secret (in every form) and anything key-like replaced. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const s of forms) if (out.includes(s)) out = out.split(s).join('[REDACTED]');
  if (!MAYBE_KEY.test(out)) return out;
  for (const re of KEY_PATTERNS) out = out.replace(re, (_m, prefix?: unknown) => `${typeof prefix === 'string' ? prefix : ''}[REDACTED]`);
  return redactUrlPassword(out);
}
