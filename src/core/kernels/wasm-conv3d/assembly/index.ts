// Entry of the WebAssembly module: every kernel the `wasm` backend runs, one file per family.
// Each exported kernel has the signature (params: i32, start: i32, end: i32): void — it reads its
// arguments from the parameter block at `params` and does work units [start, end) — and must be listed
// in ../kernel-table.ts so that the runtime and the pool threads can dispatch it.
export { convForward, convBackpropFilter } from './conv3d';
