/**
 * Errors every layer raises. An `InputError` is the user's to fix (a file, a field, a row, a
 * flag): the command line prints its one line and exits with code 2.
 */

/** A user-facing error about input: file, location and field in one line. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
