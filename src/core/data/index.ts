/**
 * Public surface of the data layer: files → `Volume` (NIfTI, NRRD, MetaImage, DICOM), exports, checks, reorientation,
 * resampling, intensity windows, label tables. A `Volume` stores voxel (i, j, k) at
 * `i + nx*(j + ny*k)`, i.e. the NDHWC tensor `[1, nz, ny, nx, 1]` without a copy.
 */
export type { Vec3, Volume, VolumeIntent, VolumeScale, VoxelArray } from './volume';
export { formatDims, isIdentityScale, realRange, realValues, sameGrid, spacingFromAffine, voxelCount } from './volume';

export type { Mat4 } from './affine';
export { applyAffine, invertAffine, multiply4 } from './affine';

export { readNifti } from './nifti-read';
export type { WriteNiftiOptions } from './nifti-write';
export { writeNifti } from './nifti-write';
export type { ReadNrrdOptions } from './nrrd-read';
export { readNrrd } from './nrrd-read';
export type { WriteNrrdOptions } from './nrrd-write';
export { writeNrrd } from './nrrd-write';
export type { ReadMetaImageOptions } from './metaimage-read';
export { readMetaImage } from './metaimage-read';
export type { WriteMetaImageOptions } from './metaimage-write';
export { writeMetaImage } from './metaimage-write';
export type { ExportFormat, ExportRequest } from './export';
export { EXPORT_EXTENSIONS, EXPORT_FORMATS, exportBytes, stripVolumeExtension } from './export';

export type { DicomFile } from './dicom-slice';
export { readDicomSeries } from './dicom-series';

export type { InputFile } from './read-files';
export { detachedDataName, readVolumeFiles } from './read-files';
export type { ContentKind } from './sniff';
export { describeContent, sniff } from './sniff';

export { checkFitsDevice, checkLabelMatchesImage, checkLabelValues, labelArray } from './checks';

export type { AxisOrientation, CanonicalResult } from './orientation';
export { axisOrientations, toCanonical } from './orientation';

export type { Grid, ResampleMode, ResampleOptions } from './resample';
export { gridForSpacing, resampleToGrid, resampleToSpacing } from './resample';

export type { ClampAndScaleParams, HuFinding, HuTest } from './intensity';
export { clampAndScale, CT_HU_TEST, DEFAULT_CLAMP, describeHuFinding, huFinding } from './intensity';

export type { LabelEntry, LabelTable, RGB } from './labels';
export { DEMO_LABELS, defaultLabelColor, defaultLabelColors, labelColor, parseLabelTable } from './labels';
