/**
 * TypeScript to CommonJS with esbuild, for ts-node (tsconfig.json's "ts-node" transpiler: `npm start`,
 * `npm run projector`, `npm run fetch-wsdl`, `npx ts-node examples/...`) and the tests' child processes
 * (test/support/register-ts.js). TypeScript's own transpiler costs 2-3 s of CPU at every start, esbuild a few
 * milliseconds. Nothing is type-checked here, as before (transpile-only): `npm run typecheck` does that.
 */
const { transformSync } = require('esbuild');

const OPTIONS = {
  loader: 'ts',
  format: 'cjs',
  target: 'node20',
  // tsc turns import() into require() under CommonJS; a native import() could not resolve extensionless paths.
  supported: { 'dynamic-import': false },
  // What tsconfig.json's target ES2022 means for class fields (define semantics), which esbuild must be told.
  tsconfigRaw: { compilerOptions: { target: 'ES2022', useDefineForClassFields: true } },
};

/** ts-node's custom transpiler interface (transpileOnly only). */
exports.create = () => ({
  transpile(input, { fileName }) {
    const { code, map } = transformSync(input, { ...OPTIONS, sourcefile: fileName, sourcemap: 'external' });
    return { outputText: code, sourceMapText: map };
  },
});

/** For a require hook: the code with its source map inline. */
exports.transpileWithInlineMap = (input, fileName) => transformSync(input, { ...OPTIONS, sourcefile: fileName, sourcemap: 'inline' }).code;
