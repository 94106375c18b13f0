/**
 * A one-node ONNX model (opset 17) holding a single 3-D Conv with its weights as an initializer, for
 * timing onnxruntime on exactly the convolution our kernels compute. ONNX is NCDHW, weights
 * [Co, Ci, KD, KH, KW]. The protobuf is written by the few lines below (ModelProto → GraphProto →
 * NodeProto / TensorProto / ValueInfoProto, field numbers from onnx.proto): a benchmark fixture, not a
 * general encoder.
 */

class Pb {
  private bytes: number[] = [];

  private varint(v: number): void {
    let n = BigInt(v);
    do {
      let b = Number(n & 0x7fn);
      n >>= 7n;
      if (n > 0n) b |= 0x80;
      this.bytes.push(b);
    } while (n > 0n);
  }

  private key(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, v: number): this {
    this.key(field, 0);
    this.varint(v);
    return this;
  }

  bytesField(field: number, b: Uint8Array | number[]): this {
    this.key(field, 2);
    this.varint(b.length);
    for (const x of b) this.bytes.push(x);
    return this;
  }

  str(field: number, s: string): this {
    return this.bytesField(field, [...new TextEncoder().encode(s)]);
  }

  msg(field: number, m: Pb): this {
    return this.bytesField(field, m.bytes);
  }

  out(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

const FLOAT = 1;
const ATTR_INTS = 7;

function intsAttr(name: string, values: number[]): Pb {
  const a = new Pb().str(1, name).int(20, ATTR_INTS);
  for (const v of values) a.int(8, v);
  return a;
}

function valueInfo(name: string, shape: number[]): Pb {
  const dims = new Pb();
  for (const d of shape) dims.msg(1, new Pb().int(1, d));
  const tensorType = new Pb().int(1, FLOAT).msg(2, dims);
  return new Pb().str(1, name).msg(2, new Pb().msg(1, tensorType));
}

export interface OnnxConvSpec {
  /** NCDHW input shape. */
  x: [number, number, number, number, number];
  /** Weights [Co, Ci, KD, KH, KW] (row-major values). */
  w: Float32Array;
  wShape: [number, number, number, number, number];
  strides: [number, number, number];
  /** Per axis, before and after: [d0, h0, w0, d1, h1, w1]. */
  pads: [number, number, number, number, number, number];
  /** NCDHW output shape. */
  y: [number, number, number, number, number];
}

/** The serialized model: input "x", initializer "w", output "y". */
export function onnxConvModel(s: OnnxConvSpec): Uint8Array {
  const node = new Pb()
    .str(1, 'x')
    .str(1, 'w')
    .str(2, 'y')
    .str(3, 'conv')
    .str(4, 'Conv')
    .msg(5, intsAttr('kernel_shape', s.wShape.slice(2)))
    .msg(5, intsAttr('strides', s.strides))
    .msg(5, intsAttr('pads', s.pads))
    .msg(5, intsAttr('dilations', [1, 1, 1]));
  const weights = new Pb();
  for (const d of s.wShape) weights.int(1, d);
  weights.int(2, FLOAT).str(8, 'w').bytesField(9, new Uint8Array(s.w.buffer, s.w.byteOffset, s.w.byteLength));
  const graph = new Pb().msg(1, node).str(2, 'conv3d').msg(5, weights).msg(11, valueInfo('x', s.x)).msg(12, valueInfo('y', s.y));
  return new Pb().int(1, 8).str(2, 'ct-seg-workbench bench').msg(7, graph).msg(8, new Pb().str(1, '').int(2, 17)).out();
}
