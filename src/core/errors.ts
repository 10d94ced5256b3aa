/**
 * Errors every layer raises. An `InputError` is the user's to fix (a file, a field, a row, a
 * flag): the command line prints its one line and exits with code 2.
 */

/**
 * A user-facing error about input: file, location and field in one line. The line is enforced:
 * a message that quotes the input (a parser's error showing the text it choked on) may hold line
 * breaks, which are shown as spaces.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message.replace(/\s*(?:\r\n|[\r\n\u2028\u2029])\s*/g, ' '));
    this.name = 'InputError';
  }
}
