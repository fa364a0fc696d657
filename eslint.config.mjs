import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', '.scratch/**', 'tools/embedded-db/bin/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  {
    // Tests read JSON answers loosely.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The core never imports Slack or botbuilder: channels translate, the core decides.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['@slack/*', 'botbuilder', 'botbuilder-*', 'botframework-*'], message: 'The core (src/) must not import Slack or botbuilder; put it in channels/ or dialogs/.' },
          { group: ['**/channels/**', '**/dialogs/**'], message: 'The core (src/) must not import channels/ or dialogs/.' },
        ],
      }],
    },
  },
  {
    // The composition roots build the customer edges (the service) or the chats' records (the
    // personal-data command); they still never import botbuilder themselves.
    files: ['src/server/app.ts', 'src/cli/personal-data.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['@slack/*', 'botbuilder', 'botbuilder-*', 'botframework-*'], message: 'The core (src/) must not import Slack or botbuilder; put it in channels/ or dialogs/.' },
          { group: ['**/dialogs/**'], message: 'The composition root reaches dialogs only through channels/customer-edges.' },
        ],
      }],
    },
  },
);
