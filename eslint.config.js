import { readdirSync } from 'node:fs';
import { URL } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Every folder under subgraphs/ but the kit is one API; read, so a new API is fenced in too.
const apis = readdirSync(new URL('./subgraphs/', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'shared')
  .map((d) => d.name);

const fence = (files, patterns) => ({
  files,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
});

export default tseslint.config(
  {
    ignores: [
      '**/__generated__/**',
      'node_modules/**',
      'schema/**',
      'test-results/**',
      'client/dist/**',
      'dist/**',
      '.ci/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // Boundaries: the gateway talks to subgraphs over HTTP only (a report's type is all it may
  // borrow); process-wide code in lib/ knows no subgraph; the kit knows no API; no API reaches
  // into another.
  fence(
    ['gateway/**'],
    [
      {
        group: ['**/subgraphs/**'],
        allowTypeImports: true,
        message: 'The gateway reaches subgraphs over HTTP; it may import types only.',
      },
    ],
  ),
  fence(['lib/**'], [{ group: ['**/subgraphs/**', '**/gateway/**'], message: 'lib/ is process-wide.' }]),
  fence(
    ['subgraphs/shared/**'],
    [{ group: apis.map((a) => `**/${a}/**`), message: 'The shared kit serves every API and knows none.' }],
  ),
  ...apis.map((api) =>
    fence(
      [`subgraphs/${api}/**`],
      [
        {
          group: apis.filter((a) => a !== api).map((a) => `**/${a}/**`),
          message: `subgraphs/${api} may use subgraphs/shared, never another API's modules.`,
        },
      ],
    ),
  ),
);
