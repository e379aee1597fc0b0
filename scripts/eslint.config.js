// Flat ESLint config: typescript-eslint's recommended rules, tuned to stay pragmatic for an SDK that wraps
// loosely-typed SOAP payloads. Generated stubs and build output are never linted.
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  { ignores: ['generated/**', 'dist/**', 'node_modules/**', 'coverage/**', 'docs/**', '.tmp/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // Unused arguments are common in callbacks with fixed signatures; an underscore marks them as intended.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // node-soap results are untyped at run time (see the wire tests); `any` at that boundary is deliberate.
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
  {
    // CommonJS config files and scripts run by Node directly.
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: { globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' } },
  },
);
