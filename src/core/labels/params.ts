/**
 * Every threshold and radius the unsupervised labels use, with its default and the reason for it.
 * HU = Hounsfield units (air −1000, fat ≈ −100, water 0, soft tissue 20–80, bone 300–2000).
 */
import { CT_HU_TEST } from '../data/intensity';

export interface LabelParams {
  /** A CT has air: at least this fraction of voxels at or below `airHu`, else the volume is refused as not CT (MR has no negative values). Default: `CT_HU_TEST`, which segmentation warns with. */
  minAirFraction: number;
  /** "Air" for the not-CT check: −900 HU is below any tissue (lung parenchyma ≈ −850 still counts as not pure air). */
  airHu: number;
  /** Tissue versus air for the body: −500 HU is midway between air (−1000) and fat (≈ −100), robust to noise and partial volume. */
  bodyHu: number;
  /** Opening radius (mm) of the tissue mask before the largest component: cuts thin bridges to the table, blankets and tubes; 4 mm keeps skin folds. */
  bodyOpeningMm: number;
  /** Air in the lungs: parenchyma is −950 to −700 HU; −400 keeps the partial-volume rim and excludes soft tissue. */
  lungHu: number;
  /** Air pockets smaller than this (mL) are never lung: bowel gas bubbles and airway fragments. */
  lungMinMl: number;
  /**
   * Lung against bowel gas: lung parenchyma is air mixed with tissue and blood (median ≈ −850 HU), gas in
   * the bowel or stomach is nearly pure air (median ≈ −1000). A component whose median is below this is gas.
   */
  gasMedianHu: number;
  /** Closing radius (mm) of the lungs so vessels and bronchial walls inside them are lung, as manual labels draw them. */
  lungClosingMm: number;
  /** Airways: an axial cross-section of the lung mask smaller than this (mm²) near the midline is trachea or a main bronchus (trachea ≈ 300 mm²). */
  airwayMaxAreaMm2: number;
  /** "Near the midline" for airways: within this distance (mm) of the body's centre in x. */
  airwayMidlineMm: number;
  /** Candidate bone: trabecular bone is ≥ 150–200 HU; 180 HU keeps most marrow-filled bone and leaves muscle (≈ 50) and unenhanced organs out. */
  boneHu: number;
  /**
   * The rule that keeps contrast out: every bone has a cortical shell far above what contrast gives blood
   * or kidneys in the portal phase (≈ 150–350 HU). A candidate component is bone only if it holds at least
   * `boneCorticalMinMl` of voxels at or above this.
   */
  boneCorticalHu: number;
  /** See `boneCorticalHu`: the cortical volume (mL) a bone component must hold; a few bright voxels (calcified plaque, noise) are not enough. */
  boneCorticalMinMl: number;
  /** Candidate components smaller than this (mL) are dropped: calcifications, contrast in small vessels, noise. */
  boneMinMl: number;
  /**
   * Marrow and thin trabecular bone (100–180 HU, lower in older patients and at 3 mm voxels) joins the bone
   * only within `boneGrowMm` of the kept bone: close enough to be the same bone, too near for a contrast
   * organ to grow in (kidneys and aorta lie further from the cortex than this, or are not above it).
   */
  boneGrowHu: number;
  /** See `boneGrowHu`: how far (mm) from the kept bone lower-HU voxels may join it. */
  boneGrowMm: number;
  /** Closing radius (mm) of the bone mask: bridges the gaps between cortex fragments so the shell is closed before filling. */
  boneClosingMm: number;
}

export const DEFAULT_LABEL_PARAMS: Readonly<LabelParams> = Object.freeze({
  minAirFraction: CT_HU_TEST.minAirFraction,
  airHu: CT_HU_TEST.airHu,
  bodyHu: -500,
  bodyOpeningMm: 4,
  lungHu: -400,
  lungMinMl: 20,
  gasMedianHu: -950,
  lungClosingMm: 5,
  airwayMaxAreaMm2: 600,
  airwayMidlineMm: 25,
  boneHu: 180,
  boneCorticalHu: 500,
  boneCorticalMinMl: 0.3,
  boneMinMl: 1,
  boneGrowHu: 110,
  boneGrowMm: 6,
  boneClosingMm: 3,
});
