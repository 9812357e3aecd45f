// Lint: TypeScript-aware rules that catch real bugs (floating promises, misused promises), and process.env read
// only in app/config.ts (docs/architecture.md). Import direction and cycles are checked by dependency-cruiser.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/generated/**',
      '**/node_modules/**',
      'data/**',
      'coverage/**',
      '**/*.config.*',
      '**/scripts/**',
      'bench/**',
      'test-results/**',
      '.dependency-cruiser.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['packages/*/src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false, attributes: false } },
      ],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'read configuration in packages/server/src/app/config.ts only' },
      ],
    },
  },
  {
    files: [
      'packages/server/src/app/config.ts',
      'packages/*/src/**/*.test.ts',
      'packages/server/src/testing/**',
      'packages/simulators/src/**',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  // formatting is Prettier's (the lint step runs prettier --check); no eslint rule may disagree with it
  prettier,
);
