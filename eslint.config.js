import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { boundaries } from './eslint/boundaries.js';

const UI_LIBRARIES = ['react', 'react-dom', 'zustand', '@niivue/*'];
/** Browser-only globals; the core reaches the runtime through src/core/env.ts (and is handed the rest). */
const DOM_GLOBALS = [
  'window', 'document', 'navigator', 'location', 'self', 'localStorage', 'sessionStorage', 'indexedDB',
  'requestAnimationFrame', 'cancelAnimationFrame', 'alert', 'File', 'FileList', 'FileReader', 'HTMLElement', 'HTMLCanvasElement', 'Image',
];

/**
 * The architecture's walls (../shared/ARCHITECTURE.md), one row per rule. A row applies to every file
 * (code and tests alike) under `folder`, minus `except`; all rows that hold a file apply together.
 */
export const BOUNDARIES = [
  { folder: 'src/core', packages: UI_LIBRARIES, why: 'src/core must not depend on UI libraries.' },
  { folder: 'src/core', folders: ['src/worker', 'src/ui', 'src/cli'], why: 'src/core must not import the worker, the UI or the CLI: they depend on it, not it on them.' },
  { folder: 'src/core', globals: DOM_GLOBALS, why: 'src/core is DOM-free (it runs in a worker and in Node); ask src/core/env.ts or take it as a parameter.' },
  { folder: 'src/ui', packages: ['@tensorflow/*'], why: 'src/ui must not import tfjs; tensors live in the engine worker.' },
  { folder: 'src/cli', folders: ['src/worker', 'src/ui'], why: 'src/cli runs the core in Node; it must not import the worker or the UI.' },
  { folder: 'src/testing', folders: ['src/worker', 'src/ui', 'src/cli'], why: 'Test helpers serve the core; Node adapters they need live in src/core/platform.' },
  { folder: 'src', except: ['src/ui/viewer'], packages: ['@niivue/*'], why: 'Only src/ui/viewer may import NiiVue.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'public/**', 'test-results/**', 'playwright-report/**', 'src/**/assembly/**', 'src/**/generated/**', '.gpu-kit/**'] },
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
    // One block, one rule, one table: no later block can replace these options (see eslint/boundaries.js).
    files: ['src/**/*.{ts,tsx,js}'],
    plugins: { workbench: boundaries },
    rules: { 'workbench/boundaries': ['error', { root: import.meta.dirname, table: BOUNDARIES }] },
  },
);
