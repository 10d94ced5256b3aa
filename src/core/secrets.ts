/**
 * API keys come only from environment variables named in the config. Every key we read is
 * registered here so that any text leaving the process (errors, logs, stored rows, reports)
 * can be scrubbed of it.
 */
const registered = new Set<string>();

/** Read a key from the environment and remember it for redaction. */
export function readApiKey(envName: string | undefined): string | undefined {
  if (!envName) return undefined;
  const value = process.env[envName];
  if (value && value.length >= 4) registered.add(value);
  return value || undefined;
}

export function registerSecret(value: string): void {
  if (value.length >= 4) registered.add(value);
}

const KEY_PATTERNS: RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{16,}\b/g, // OpenAI-style
  /\bsk-ant-[A-Za-z0-9_-]{16,}\b/g, // Anthropic
  /(Bearer\s+)[A-Za-z0-9._~+/=-]{12,}/gi,
  /(x-api-key["']?\s*[:=]\s*["']?)[A-Za-z0-9._-]{12,}/gi,
];

export function redactSecrets(text: string): string {
  let out = text;
  for (const s of registered) if (out.includes(s)) out = out.split(s).join('[REDACTED]');
  for (const re of KEY_PATTERNS) out = out.replace(re, (_m, prefix?: string) => `${typeof prefix === 'string' ? prefix : ''}[REDACTED]`);
  return out;
}
