/**
 * Jest transformer: TypeScript (and the ESM-only packages that transformIgnorePatterns lets through) to CommonJS
 * with scripts/ts-transpile.js's esbuild settings, the ones ts-node uses. ts-jest (isolatedModules) did the same
 * job with TypeScript's transpiler: ~3 s of CPU per test file on a cold cache, and a fresh clone is always cold.
 * Types are checked by `npm run typecheck`, not here (as with ts-jest's isolatedModules).
 */
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { version } = require('esbuild');
const { transpile } = require('../../scripts/ts-transpile');

// A change to the settings or to esbuild must not reuse transforms cached under the old ones.
const SETTINGS = readFileSync(require.resolve('../../scripts/ts-transpile'), 'utf8') + version;

module.exports = {
  process(source, filename) {
    return transpile(source, filename);
  },
  getCacheKey(source, filename, { configString }) {
    return createHash('sha256').update(SETTINGS).update(configString).update(filename).update(source).digest('hex');
  },
};
