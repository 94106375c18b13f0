/**
 * The structuring element: a ball of radius r mm on an anisotropic grid, {d ∈ ℤ³ : Σ (d_i·s_i)² ≤ r²}.
 * Both morphology paths (FFT and distance transform) use exactly this set, so they agree voxel for voxel.
 */
import type { Vec3 } from '../data/volume';

/** Relative slack on r² so that offsets exactly on the sphere count in both paths despite rounding. */
export const BALL_TOLERANCE = 1e-6;

/** Half extent of the ball in voxels along each axis. */
export function ballHalfExtent(radiusMm: number, spacing: Vec3): Vec3 {
  return spacing.map((s) => Math.floor((radiusMm * (1 + BALL_TOLERANCE)) / s)) as Vec3;
}

export function inBall(dx: number, dy: number, dz: number, spacing: Vec3, radiusMm: number): boolean {
  return (dx * spacing[0]) ** 2 + (dy * spacing[1]) ** 2 + (dz * spacing[2]) ** 2 <= radiusMm * radiusMm * (1 + BALL_TOLERANCE);
}

/** Number of voxels in the ball. */
export function ballVoxels(radiusMm: number, spacing: Vec3): number {
  const [hx, hy, hz] = ballHalfExtent(radiusMm, spacing);
  let n = 0;
  for (let z = -hz; z <= hz; z++) for (let y = -hy; y <= hy; y++) for (let x = -hx; x <= hx; x++) if (inBall(x, y, z, spacing, radiusMm)) n++;
  return n;
}
