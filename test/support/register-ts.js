/**
 * `node -r test/support/register-ts.js file.ts`: runs TypeScript from source in the tests' child processes.
 * esbuild strips the types in about a millisecond a file; ts-node's transpiler (TypeScript itself) costs 2-3 s of
 * CPU at every start, which the CLI, demo, fleet and DEBUG tests paid dozens of times per run. Same output shape
 * as ts-node under tsconfig.json (CommonJS, ES2022 class fields, esModuleInterop); types are checked by tsc.
 */
const { transformSync } = require('esbuild');
const { readFileSync } = require('node:fs');

const tsconfigRaw = { compilerOptions: { target: 'ES2022', useDefineForClassFields: true, esModuleInterop: true } };
process.setSourceMapsEnabled(true);

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    loader: 'ts',
    format: 'cjs',
    target: 'node20',
    // tsc turns import() into require() under CommonJS; native import() could not resolve extensionless paths.
    supported: { 'dynamic-import': false },
    sourcefile: filename,
    sourcemap: 'inline',
    tsconfigRaw,
  });
  module._compile(code, filename);
};
