/** Types for the parts of dcmjs (which ships none) that the DICOM SEG reader and writer use. */
declare module 'dcmjs' {
  /** A data set in dcmjs's "naturalized" form: DICOM keywords → values (sequences as arrays or one object). */
  export interface NaturalDataset {
    [keyword: string]: unknown;
    _meta?: Record<string, unknown>;
    _vrMap?: Record<string, string>;
  }

  export interface DicomDict {
    dict: Record<string, unknown>;
    meta: Record<string, unknown>;
    write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer;
  }

  export interface SegmentMetadata {
    SegmentLabel: string;
    SegmentDescription?: string;
    SegmentAlgorithmType: 'AUTOMATIC' | 'SEMIAUTOMATIC' | 'MANUAL';
    SegmentAlgorithmName?: string;
    SegmentedPropertyCategoryCodeSequence: CodeItem;
    SegmentedPropertyTypeCodeSequence: CodeItem & { SegmentedPropertyTypeModifierCodeSequence?: CodeItem };
    RecommendedDisplayCIELabValue?: number[];
  }

  export interface CodeItem {
    CodeValue: string;
    CodingSchemeDesignator: string;
    CodeMeaning: string;
  }

  export interface SegmentationDerivation {
    dataset: NaturalDataset;
    setNumberOfFrames(n: number): void;
    addSegmentFromLabelmap(segment: SegmentMetadata, labelmaps: ArrayLike<number>[], segmentIndexInLabelmap: number, referencedFrameNumbers: number[]): void;
    bitPackPixelData(): void;
  }

  export const data: {
    DicomMessage: { readFile(buffer: ArrayBuffer, options?: { ignoreErrors?: boolean; untilTag?: string }): DicomDict };
    DicomMetaDictionary: {
      naturalizeDataset(dict: Record<string, unknown>): NaturalDataset;
      namifyDataset(dict: Record<string, unknown>): NaturalDataset;
      uid(): string;
      sopClassUIDsByName: Record<string, string>;
    };
    datasetToDict(dataset: NaturalDataset): DicomDict;
    Colors: { rgb2DICOMLAB(rgb: number[]): number[]; dicomlab2RGB(lab: number[]): number[] };
    /** 1-bit packed pixels ↔ one byte per pixel (unpack gives 255 for a set bit). */
    BitArray: { pack(bytes: Uint8Array): Uint8Array; unpack(bits: ArrayBuffer | Uint8Array): Uint8Array };
  };
  export const derivations: { Segmentation: new (datasets: NaturalDataset[], options?: Record<string, unknown>) => SegmentationDerivation };
  export const utilities: { compression: { decode(frames: ArrayBuffer[], rows: number, cols: number): Uint8Array } };
  export const log: { setLevel(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent'): void; getLevel(): number };

  const dcmjs: { data: typeof data; derivations: typeof derivations; utilities: typeof utilities; log: typeof log };
  export default dcmjs;
}
