import { neutralizeBidi } from '../core/terminal.js';

/**
 * Escaping for HTML text and attribute contexts: the only way run text enters report markup.
 * Bidirectional controls are neutralised too (core/terminal.ts): they would reorder the text shown.
 */
export function escapeHtml(value: unknown): string {
  return neutralizeBidi(String(value ?? ''))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
