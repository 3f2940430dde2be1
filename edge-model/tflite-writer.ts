// Writes a small dense network (an MLP) as a standard TFLite flatbuffer (schema "TFL3"),
// with the `flatbuffers` builder and the field slots of tensorflow/lite/schema/schema.fbs
// written out by hand: we only need five tables, so generated code would be mostly dead.
// Ops used: FULLY_CONNECTED (with fused RELU/TANH or none) and LOGISTIC. Every head reads
// the last hidden layer; each head is one model output.
import * as flatbuffers from 'flatbuffers';

export type Activation = 'relu' | 'tanh' | 'linear' | 'sigmoid';

/** One dense layer: y = act(x · W + b), W row-major [inputs][units] as tfjs stores it. */
export interface DenseLayer {
  kernel: Float32Array; // inputs × units, row-major (tfjs layout)
  bias: Float32Array; // units
  inputs: number;
  units: number;
  activation: Activation;
}

export interface MlpSpec {
  inputs: number;
  hidden: DenseLayer[]; // applied in order
  heads: { name: string; layer: DenseLayer }[]; // each reads the last hidden output
  inputName?: string;
  description?: string;
}

// Enum values from schema.fbs.
const OP = { FULLY_CONNECTED: 9, LOGISTIC: 14 } as const;
const FUSED = { linear: 0, relu: 1, tanh: 4, sigmoid: 0 } as const; // sigmoid: NONE + a LOGISTIC op
const BUILTIN_OPTIONS_FULLY_CONNECTED = 8; // union index (NONE = 0)
const FLOAT32 = 0;

interface TensorDef { name: string; shape: number[]; buffer: number }
interface OpDef { opcode: number; inputs: number[]; outputs: number[]; fused?: number }

/** The .tflite bytes of the network. Batch size is fixed at 1 (one station, one nowcast). */
export function writeMlpTflite(spec: MlpSpec): Uint8Array {
  const buffers: Uint8Array[] = [new Uint8Array(0)]; // buffer 0: the empty sentinel
  const tensors: TensorDef[] = [];
  const ops: OpDef[] = [];
  const addTensor = (name: string, shape: number[], data?: Float32Array): number => {
    let buffer = 0;
    if (data) { buffers.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)); buffer = buffers.length - 1; }
    tensors.push({ name, shape, buffer });
    return tensors.length - 1;
  };

  const input = addTensor(spec.inputName ?? 'features', [1, spec.inputs]);
  const dense = (x: number, width: number, layer: DenseLayer, name: string): number => {
    if (layer.inputs !== width) throw new Error(`tflite-writer: layer ${name} expects ${layer.inputs} inputs, gets ${width}`);
    // TFLite FULLY_CONNECTED wants weights as [units][inputs]: transpose tfjs's kernel.
    const w = new Float32Array(layer.units * layer.inputs);
    for (let i = 0; i < layer.inputs; i++) for (let u = 0; u < layer.units; u++) w[u * layer.inputs + i] = layer.kernel[i * layer.units + u]!;
    const wT = addTensor(`${name}/kernel`, [layer.units, layer.inputs], w);
    const bT = addTensor(`${name}/bias`, [layer.units], Float32Array.from(layer.bias));
    const sigmoid = layer.activation === 'sigmoid';
    const y = addTensor(sigmoid ? `${name}/logit` : name, [1, layer.units]);
    ops.push({ opcode: OP.FULLY_CONNECTED, inputs: [x, wT, bT], outputs: [y], fused: FUSED[layer.activation] });
    if (!sigmoid) return y;
    const p = addTensor(name, [1, layer.units]);
    ops.push({ opcode: OP.LOGISTIC, inputs: [y], outputs: [p] });
    return p;
  };

  let x = input;
  let width = spec.inputs;
  spec.hidden.forEach((layer, i) => { x = dense(x, width, layer, `hidden${i}`); width = layer.units; });
  const outputs = spec.heads.map((h) => dense(x, width, h.layer, h.name));

  const opcodes = [...new Set(ops.map((o) => o.opcode))];
  const b = new flatbuffers.Builder(4096);
  const intVec = (xs: number[]) => { b.startVector(4, xs.length, 4); for (let i = xs.length - 1; i >= 0; i--) b.addInt32(xs[i]!); return b.endVector(); };
  const offVec = (xs: flatbuffers.Offset[]) => { b.startVector(4, xs.length, 4); for (let i = xs.length - 1; i >= 0; i--) b.addOffset(xs[i]!); return b.endVector(); };

  // Buffer { data:[ubyte] (force_align: 16) }
  const bufferOffsets = buffers.map((bytes) => {
    let data = 0;
    if (bytes.length > 0) {
      b.startVector(1, bytes.length, 16);
      for (let i = bytes.length - 1; i >= 0; i--) b.addInt8(bytes[i]!);
      data = b.endVector();
    }
    b.startObject(1);
    if (data) b.addFieldOffset(0, data, 0);
    return b.endObject();
  });

  // Tensor { shape 0, type 1, buffer 2, name 3 }
  const tensorOffsets = tensors.map((t) => {
    const name = b.createString(t.name);
    const shape = intVec(t.shape);
    b.startObject(4);
    b.addFieldOffset(0, shape, 0);
    b.addFieldInt8(1, FLOAT32, -1); // force: default 0 would be elided, fine either way
    b.addFieldInt32(2, t.buffer, -1);
    b.addFieldOffset(3, name, 0);
    return b.endObject();
  });

  // Operator { opcode_index 0, inputs 1, outputs 2, builtin_options_type 3, builtin_options 4 }
  const opOffsets = ops.map((o) => {
    let options = 0;
    if (o.opcode === OP.FULLY_CONNECTED) {
      b.startObject(1); // FullyConnectedOptions { fused_activation_function 0 }
      b.addFieldInt8(0, o.fused ?? 0, -1);
      options = b.endObject();
    }
    const ins = intVec(o.inputs);
    const outs = intVec(o.outputs);
    b.startObject(5);
    b.addFieldInt32(0, opcodes.indexOf(o.opcode), -1);
    b.addFieldOffset(1, ins, 0);
    b.addFieldOffset(2, outs, 0);
    if (options) { b.addFieldInt8(3, BUILTIN_OPTIONS_FULLY_CONNECTED, 0); b.addFieldOffset(4, options, 0); }
    return b.endObject();
  });

  // SubGraph { tensors 0, inputs 1, outputs 2, operators 3, name 4 }
  const sgName = b.createString('main');
  const sgTensors = offVec(tensorOffsets);
  const sgInputs = intVec([input]);
  const sgOutputs = intVec(outputs);
  const sgOps = offVec(opOffsets);
  b.startObject(5);
  b.addFieldOffset(0, sgTensors, 0);
  b.addFieldOffset(1, sgInputs, 0);
  b.addFieldOffset(2, sgOutputs, 0);
  b.addFieldOffset(3, sgOps, 0);
  b.addFieldOffset(4, sgName, 0);
  const subgraph = b.endObject();

  // OperatorCode { deprecated_builtin_code:byte 0, custom_code 1, version 2, builtin_code:int 3 }
  const opcodeOffsets = opcodes.map((code) => {
    b.startObject(4);
    b.addFieldInt8(0, code, -1);
    b.addFieldInt32(2, 1, -1);
    b.addFieldInt32(3, code, -1);
    return b.endObject();
  });

  // SignatureDef { inputs 0, outputs 1, signature_key 2, (deprecated tag 3), subgraph_index 4 }
  // with TensorMap { name 0, tensor_index 1 }: lets LiteRT name the inputs and outputs.
  const tensorMap = (name: string, index: number) => {
    const n = b.createString(name);
    b.startObject(2);
    b.addFieldOffset(0, n, 0);
    b.addFieldInt32(1, index, -1);
    return b.endObject();
  };
  const sigIns = offVec([tensorMap(spec.inputName ?? 'features', input)]);
  const sigOuts = offVec(spec.heads.map((h, i) => tensorMap(h.name, outputs[i]!)));
  const sigKey = b.createString('serving_default');
  b.startObject(5);
  b.addFieldOffset(0, sigIns, 0);
  b.addFieldOffset(1, sigOuts, 0);
  b.addFieldOffset(2, sigKey, 0);
  b.addFieldInt32(4, 0, -1);
  const signature = b.endObject();

  // Model { version 0, operator_codes 1, subgraphs 2, description 3, buffers 4,
  //         metadata_buffer 5, metadata 6, signature_defs 7 }
  const desc = b.createString(spec.description ?? 'bonin nowcast MLP');
  const mOpcodes = offVec(opcodeOffsets);
  const mSubgraphs = offVec([subgraph]);
  const mBuffers = offVec(bufferOffsets);
  const mSigs = offVec([signature]);
  b.startObject(8);
  b.addFieldInt32(0, 3, -1); // schema version 3
  b.addFieldOffset(1, mOpcodes, 0);
  b.addFieldOffset(2, mSubgraphs, 0);
  b.addFieldOffset(3, desc, 0);
  b.addFieldOffset(4, mBuffers, 0);
  b.addFieldOffset(7, mSigs, 0);
  const model = b.endObject();
  b.finish(model, 'TFL3');
  return b.asUint8Array().slice();
}
