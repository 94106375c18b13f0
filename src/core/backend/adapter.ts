/**
 * What the workbench concludes from an adapter's description, decided here once (select.ts, the kernels'
 * tuning and, through `BackendInfo.software` in the backend status, the UI all take it from here).
 */

/** Adapter in words from its GPUAdapterInfo fields, e.g. "google swiftshader" or "nvidia ampere". */
export function adapterWords(info: Partial<Pick<GPUAdapterInfo, 'vendor' | 'architecture' | 'device' | 'description'>> | undefined): string {
  if (!info) return 'unknown adapter';
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((s): s is string => !!s && s.length > 0);
  return parts.length ? [...new Set(parts)].join(' ') : 'unknown adapter';
}

/** True when the adapter described by `words` is a software rasteriser on the CPU (SwiftShader, llvmpipe, lavapipe, WARP). */
export function isSoftwareAdapterName(words: string): boolean {
  return /swiftshader|llvmpipe|lavapipe|warp|software|basic render/i.test(words);
}
