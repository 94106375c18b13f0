/**
 * The architecture's walls are lint rules that fail: each row of eslint.config.js's BOUNDARIES is shown
 * to reject a planted violation in a file of its folder (code and test files alike), and a clean file
 * of the same folder to pass. Runs the repository's real config, so a block that silenced another's
 * rule would show up here.
 */
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: resolve(import.meta.dirname, '..') });

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

const planted: [what: string, file: string, code: string, expected: RegExp][] = [
  ['react in the core', 'src/core/engines/planted.ts', "import { useState } from 'react';\nexport const s = useState;\n", /UI libraries.*\(react\)/],
  ['react-dom in a core test', 'src/core/data/planted.test.ts', "import { createRoot } from 'react-dom/client';\nexport const r = createRoot;\n", /UI libraries.*react-dom/],
  ['zustand in the core', 'src/core/planted.ts', "import { create } from 'zustand';\nexport const c = create;\n", /UI libraries.*zustand/],
  ['NiiVue in the core', 'src/core/inferers/planted.ts', "import { Niivue } from '@niivue/niivue';\nexport const n = Niivue;\n", /UI libraries.*@niivue/],
  ['the worker in the core', 'src/core/engines/planted.ts', "import type { EngineApi } from '../../worker/protocol';\nexport type A = EngineApi;\n", /must not import the worker.*src\/worker\/protocol/],
  ['the UI in the core', 'src/core/planted.ts', "import { useAppStore } from '../ui/store';\nexport const s = useAppStore;\n", /must not import the worker, the UI.*src\/ui\/store/],
  ['the CLI in a core test', 'src/core/engines/planted.test.ts', "export { nodeBackend } from '../../cli/node-backend';\n", /must not import .*the CLI.*src\/cli\/node-backend/],
  ['window in the core', 'src/core/planted.ts', 'export const w = window.innerWidth;\n', /DOM-free.*\(window\)/],
  ['document in a core test', 'src/core/data/planted.test.ts', "export const t = document.title;\n", /DOM-free.*\(document\)/],
  ['a File in the core', 'src/core/data/planted.ts', 'export type Source = File;\n', /DOM-free.*\(File\)/],
  ['tfjs in the UI', 'src/ui/planted.ts', "import * as tf from '@tensorflow/tfjs';\nexport const t = tf;\n", /must not import tfjs/],
  ['tfjs in the viewer', 'src/ui/viewer/planted.ts', "import * as tf from '@tensorflow/tfjs';\nexport const t = tf;\n", /must not import tfjs/],
  ['tfjs in a UI test', 'src/ui/store/planted.test.ts', "export const load = () => import('@tensorflow/tfjs-backend-webgpu');\n", /must not import tfjs/],
  ['the worker in the CLI', 'src/cli/planted.ts', "import type { EngineApi } from '../worker/protocol';\nexport type A = EngineApi;\n", /src\/cli .*must not import the worker/],
  ['the UI in the CLI', 'src/cli/planted.ts', "export { useAppStore } from '../ui/store';\n", /src\/cli .*must not import the worker or the UI/],
  ['the CLI in a test helper', 'src/testing/planted.ts', "export { nodeBackend } from '../cli/node-backend';\n", /Test helpers serve the core/],
  ['NiiVue outside the viewer', 'src/ui/components/Planted.tsx', "import { Niivue } from '@niivue/niivue';\nexport const n = Niivue;\n", /Only src\/ui\/viewer may import NiiVue/],
  ['NiiVue in the worker', 'src/worker/planted.ts', "import { Niivue } from '@niivue/niivue';\nexport const n = Niivue;\n", /Only src\/ui\/viewer may import NiiVue/],
];

const clean: [where: string, file: string, code: string][] = [
  ['the core (tfjs, its own folders, node: in a test)', 'src/core/engines/planted.test.ts', "import * as tf from '@tensorflow/tfjs';\nimport { readFileSync } from 'node:fs';\nimport { readNifti } from '../data';\nimport type { EngineEvent } from './contract';\nexport const x = [tf, readFileSync, readNifti];\nexport type E = EngineEvent;\n"],
  ['the UI (the worker protocol, the core\'s errors, React, zustand)', 'src/ui/planted.tsx', "import { useState } from 'react';\nimport { create } from 'zustand';\nimport type { EngineApi } from '../worker/protocol';\nimport { errorMessage } from '../core/errors';\nexport const x = [useState, create, errorMessage, window, document];\nexport type A = EngineApi;\n"],
  ['the viewer (NiiVue)', 'src/ui/viewer/planted.ts', "import { Niivue } from '@niivue/niivue';\nexport const n = Niivue;\n"],
  ['the CLI (the core, node:)', 'src/cli/planted.ts', "import { writeFileSync } from 'node:fs';\nimport { Trainer } from '../core/engines/trainer';\nexport const x = [writeFileSync, Trainer];\n"],
  ['the worker (comlink, the core)', 'src/worker/planted.ts', "import * as Comlink from 'comlink';\nimport { Engine } from '../core/engines/engine';\nexport const x = [Comlink, Engine];\n"],
];

describe('lint boundaries (eslint.config.js BOUNDARIES)', () => {
  it.each(planted)('rejects %s', async (_what, file, code, expected) => {
    const found = await problems(file, code);
    expect(found.some((p) => p.startsWith('workbench/boundaries: ') && expected.test(p)), found.join('\n') || 'no problems').toBe(true);
  });

  it.each(clean)('passes a clean file in %s', async (_where, file, code) => {
    expect(await problems(file, code)).toEqual([]);
  });
});
