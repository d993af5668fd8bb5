// `npm run lint`: ESLint's and typescript-eslint's recommended rules with type information
// (no-floating-promises and friends need it; the whole repository lints in well under a
// minute), plus the workflow sandbox's rules from STYLE.md for workflows/.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const unsafeAny = ['no-unsafe-argument', 'no-unsafe-assignment', 'no-unsafe-call', 'no-unsafe-member-access', 'no-unsafe-return'];

export default defineConfig(
  globalIgnores([
    'generated/',
    '.k2flow/',
    '.temporal/',
    'coverage/',
    'scratch/',
    'dist/',
    // Recorded event histories: replay fixtures, never edited by hand.
    'test/replay/histories/',
  ]),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A leading underscore marks a parameter or binding kept for its position or to omit a key.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // An await-less `async` is deliberate: Fastify and better-auth tell promise-style hooks and plugins by it, and Promise-returning interfaces (an email's render) get it.
      '@typescript-eslint/require-await': 'off',
      // Log and error messages interpolate unknown values (errors, causes, raw API fields) on purpose; String() would print the same.
      '@typescript-eslint/restrict-template-expressions': 'off',
      // Same messages: a cause typed unknown is an Error at run time, and a malformed e-mail field only names a rate-limit bucket.
      '@typescript-eslint/no-base-to-string': 'off',
      // gRPC status codes are compared with numeric constants; @grpc/grpc-js, which owns the enum, is not our dependency.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
    },
  },
  {
    // Tests and the CLI's plain-text renderer read API answers as untyped JSON (`any`) on purpose.
    files: ['test/**', 'client/cli/format.ts'],
    rules: Object.fromEntries(['no-explicit-any', ...unsafeAny].map((rule) => [`@typescript-eslint/${rule}`, 'off'])),
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox (STYLE.md). Date.now() is the
    // sandbox's replay-safe clock and stays allowed; these would hide intent or break replay.
    files: ['workflows/**', 'bench/baseline/**'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...['setTimeout', 'setInterval', 'setImmediate'].map((name) => ({ name, message: 'Use sleep() or condition() from @temporalio/workflow in workflow code.' })),
        { name: 'console', message: 'Use log from @temporalio/workflow in workflow code.' },
        { name: 'process', message: 'Workflow code takes its inputs as arguments; it has no process environment.' },
        { name: 'fetch', message: 'Side effects belong in activities/.' },
        { name: 'crypto', message: 'Use uuid4() from @temporalio/workflow in workflow code.' },
      ],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Use uuid4() or an explicit input in workflow code.' }],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: builtinModules.map((name) => ({ name, message: 'No Node built-ins in workflow code: side effects belong in activities/.' })),
          patterns: [
            { group: ['node:*'], message: 'No Node built-ins in workflow code: side effects belong in activities/.' },
            { group: ['@temporalio/*', '!@temporalio/workflow', '!@temporalio/common'], message: 'Workflow code imports @temporalio/workflow (or common), never the client, worker or activity packages.' },
            { group: ['**/activities', '**/activities/*'], allowTypeImports: true, message: 'Workflows import activities as types only and call them through the proxy.' },
          ],
        },
      ],
    },
  },
  {
    // Plain JavaScript (bin/, dev/ scripts and this file) is outside tsconfig.json: no types.
    files: ['**/*.{js,mjs,cjs}'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  {
    // The pages' few scripts run in the browser.
    files: ['client/http/assets/**'],
    languageOptions: { globals: globals.browser, sourceType: 'script' },
  },
);
