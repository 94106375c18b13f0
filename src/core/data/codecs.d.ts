/** Types for the Emscripten build of OpenJPEG (the package ships none). */
declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  export interface J2KFrameInfo {
    width: number;
    height: number;
    bitsPerSample: number;
    componentCount: number;
    isSigned: boolean;
  }
  export interface J2KDecoder {
    getEncodedBuffer(length: number): Uint8Array;
    decode(): void;
    getDecodedBuffer(): Uint8Array;
    getFrameInfo(): J2KFrameInfo;
    delete(): void;
  }
  export interface OpenJpegModule {
    J2KDecoder: new () => J2KDecoder;
  }
  const factory: (options?: {
    locateFile?: (path: string, prefix: string) => string;
    print?: (s: string) => void;
    printErr?: (s: string) => void;
  }) => Promise<OpenJpegModule>;
  export default factory;
}
