/**
 * Text bound for a terminal. Model answers are untrusted: an answer holding ESC sequences could
 * retitle the window, clear the screen, move the cursor over earlier lines or write the clipboard
 * (OSC 52); a carriage return can overprint a line; bidirectional overrides can reorder what is
 * shown. Everything printed for a person passes through `terminalSafe`, which removes whole escape
 * sequences first (so no half of one survives as visible noise), then every remaining control
 * character but the line feed and the tab.
 */

/** ESC [ ... final (CSI), ESC ] ... BEL or ESC \ (OSC), ESC P/X/^/_ ... ST (DCS, SOS, PM, APC), other ESC x. */
const ESCAPE_SEQUENCE = /\u001b(?:\[[0-?]*[ -/]*[@-~]?|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[PX^_][^\u001b]*(?:\u001b\\)?|[ -/]*[0-~]?)|\u009b[0-?]*[ -/]*[@-~]?|\u009d[^\u0007\u009c]*[\u0007\u009c]?/g;
/** C0 controls but tab and line feed, DEL, C1 controls, and the bidirectional embeddings, overrides and isolates. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** C0 controls but tab and line feed, DEL and C1 controls (bidirectional controls are kept). */
const CONTROL_ONLY = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** `text` with escape sequences and control characters removed (line breaks normalised to \n). */
export function terminalSafe(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(ESCAPE_SEQUENCE, '').replace(CONTROL, '');
}

/**
 * `text` with escape sequences and control characters removed but bidirectional controls kept:
 * for reading the words of a text (a parser), where a bidi override must stay visible as the
 * oddity it is.
 */
export function stripEscapes(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(ESCAPE_SEQUENCE, '').replace(CONTROL_ONLY, '');
}

/** Bidirectional embeddings, overrides and isolates (U+202A-202E, U+2066-2069). */
export const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text with its bidirectional controls replaced by U+FFFD, for display: an override in a model's
 * answer ("Trojan source") would otherwise reorder how the text and what follows it read, while
 * the replacement shows that something was there.
 */
export function neutralizeBidi(text: string): string {
  return text.replace(BIDI_CONTROLS, '\ufffd');
}
