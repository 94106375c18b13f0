import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'public/**', 'test-results/**', 'playwright-report/**', 'src/**/assembly/**', 'src/**/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name='dataSync']", message: 'dataSync fails or stalls on WebGPU; use await data().' },
        { selector: "CallExpression[callee.property.name='arraySync']", message: 'arraySync fails or stalls on WebGPU; use await array().' },
      ],
    },
  },
  {
    // The core is DOM-free and UI-free: it runs in a worker, in Node and on the main thread.
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    rules: {
      'no-restricted-globals': ['error', 'window', 'document', 'localStorage', 'sessionStorage'],
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['react', 'react-dom', 'react/*', 'zustand', 'zustand/*', '@niivue/*'], message: 'src/core must not depend on UI libraries.' }] },
      ],
    },
  },
  {
    // Only the viewer talks to NiiVue.
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/ui/viewer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@niivue/niivue'], message: 'Only src/ui/viewer may import NiiVue.' }] },
      ],
    },
  },
);
