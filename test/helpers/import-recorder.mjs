// Loaded with `node --import`: records every module URL the process resolves into the file named by
// VALUELEX_TEST_IMPORTS, one a line (test/cli/startup.test.ts checks what a command loads): ES
// modules through a resolve hook, CommonJS ones (`require`, also through createRequire) as file URLs.
import Module, { register } from 'node:module';
import { appendFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const out = process.env.VALUELEX_TEST_IMPORTS;
writeFileSync(out, '');
register(
  'data:text/javascript,' +
    encodeURIComponent(`
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(${JSON.stringify(out)}, r.url + '\\n');
  return r;
}`),
);
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (...args) {
  const file = resolveFilename.apply(this, args);
  if (typeof file === 'string' && file.startsWith('/')) appendFileSync(out, pathToFileURL(file).href + '\n');
  return file;
};
