/** Labels without supervision (body, lungs, bone) by thresholds and ball morphology. */
export type { LabelParams } from './params';
export { DEFAULT_LABEL_PARAMS } from './params';
export type { MorphologyMethod, MorphologyOptions } from './morphology';
export { dilate, erode, open, close, resolveMethod, FFT_CROSSOVER_MM } from './morphology';
export { dilateFft, fftGrid } from './morphology-fft';
export { dilateFftGpu, closeFftGpu, gpuFftGrid } from './morphology-gpu';
export { squaredDistanceTo } from './distance';
export { ballHalfExtent, ballVoxels, inBall } from './ball';
export { connectedComponents, largestComponent, fillHolesInSlices } from './components';
export { axialAxis, bodyMask, boneMask, lungMasks } from './structures';
export type { MadeLabels, MakeLabelsOptions, StructureName } from './make-labels';
export { AUTO_LABELS, checkIsCt, makeLabelVolume } from './make-labels';
