// Loaded with `node --import`: records every module URL the process resolves into the file named by
// VALUELEX_TEST_IMPORTS, one a line (test/cli/startup.test.ts checks what a command loads).
import { register } from 'node:module';
import { writeFileSync } from 'node:fs';

writeFileSync(process.env.VALUELEX_TEST_IMPORTS, '');
register(
  'data:text/javascript,' +
    encodeURIComponent(`
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(${JSON.stringify(process.env.VALUELEX_TEST_IMPORTS)}, r.url + '\\n');
  return r;
}`),
);
