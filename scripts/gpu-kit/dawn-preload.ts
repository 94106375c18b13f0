/**
 * First import of the GPU kit's bundles: loads the `webgpu` package (bundled; it finds dawn.node at
 * ./dist/linux-x64/dawn.node beside the bundle) and leaves it where installNodeWebGPU looks first,
 * since the bundle has no node_modules to require it from.
 */
import * as webgpu from 'webgpu';

(globalThis as { __workbenchDawn?: unknown }).__workbenchDawn = webgpu;
