/**
 * `node -r test/support/register-ts.js file.ts`: runs TypeScript from source in the tests' child processes with
 * the esbuild transpiler ts-node uses here (scripts/ts-transpile.js), without loading ts-node and TypeScript
 * themselves (another half second of CPU at every start, paid dozens of times per `npm test`).
 */
const { readFileSync } = require('node:fs');
const { transpileWithInlineMap } = require('../../scripts/ts-transpile');

process.setSourceMapsEnabled(true);

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  module._compile(transpileWithInlineMap(readFileSync(filename, 'utf8'), filename), filename);
};
