// Unit tests of the worker frame codec: every datatype round trips, frames survive any chunking, limits hold.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DATATYPES, type DataType } from '../../core/datatype.js';
import type { Tensor, TensorData } from '../../core/tensor.js';
import { FRAME_PREFIX_BYTES, type Frame, FrameDecoder, encodeFrame, frameTensors, writeFrame } from './frame-codec.js';

function sample(datatype: DataType): TensorData {
  switch (datatype) {
    case 'BOOL':
      return new Uint8Array([1, 0, 1, 1, 0, 0]);
    case 'UINT8':
      return new Uint8Array([0, 1, 127, 128, 254, 255]);
    case 'INT8':
      return new Int8Array([-128, -1, 0, 1, 64, 127]);
    case 'UINT16':
    case 'FP16':
      return new Uint16Array([0, 1, 0x3c00, 0x7bff, 0x8000, 0xffff]);
    case 'INT16':
      return new Int16Array([-32768, -1, 0, 1, 1000, 32767]);
    case 'UINT32':
      return new Uint32Array([0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff]);
    case 'INT32':
      return new Int32Array([-2147483648, -1, 0, 1, 42, 2147483647]);
    case 'UINT64':
      return new BigUint64Array([0n, 1n, 2n, 2n ** 63n, 2n ** 64n - 2n, 2n ** 64n - 1n]);
    case 'INT64':
      return new BigInt64Array([-(2n ** 63n), -1n, 0n, 1n, 2n ** 53n + 1n, 2n ** 63n - 1n]);
    case 'FP32':
      return new Float32Array([-1.5, 0, 0.1, 3.4e38, Number.POSITIVE_INFINITY, Number.NaN]);
    case 'FP64':
      return new Float64Array([-1.5, 0, 0.1, 1e308, Number.NEGATIVE_INFINITY, Number.NaN]);
    case 'BYTES':
      return ['', 'a', 'héllo', '日本', '\u0000x', 'long'.repeat(50)];
  }
}

const ALL_TENSORS: Tensor[] = DATATYPES.map((datatype) => ({
  name: `t_${datatype.toLowerCase()}`,
  datatype,
  shape: [2, 3],
  data: sample(datatype),
}));

function decodeAll(parts: readonly Buffer[], chunkBytes: number): Frame[] {
  const whole = Buffer.concat(parts);
  const decoder = new FrameDecoder();
  const frames: Frame[] = [];
  for (let off = 0; off < whole.byteLength; off += chunkBytes) frames.push(...decoder.push(whole.subarray(off, off + chunkBytes)));
  assert.equal(decoder.pendingBytes, 0);
  return frames;
}

function plain(data: TensorData): unknown[] {
  return Array.from(data as ArrayLike<unknown>);
}

describe('frame codec', () => {
  it('round trips a tensor of every datatype with its name, shape and values', () => {
    const parts = encodeFrame({ type: 'run', id: 7, key: 'm@1' }, ALL_TENSORS);
    const [frame] = decodeAll(parts, 1 << 20);
    assert.ok(frame !== undefined);
    assert.equal(frame.header.type, 'run');
    assert.equal(frame.header.id, 7);
    assert.equal(frame.header['key'], 'm@1');
    const decoded = frameTensors(frame);
    assert.equal(decoded.length, ALL_TENSORS.length);
    ALL_TENSORS.forEach((t, i) => {
      const d = decoded[i] as Tensor;
      assert.equal(d.name, t.name);
      assert.equal(d.datatype, t.datatype);
      assert.deepEqual(d.shape, t.shape);
      assert.equal(d.data.constructor, t.data.constructor, `${t.datatype} keeps its array type`);
      assert.deepEqual(plain(d.data), plain(t.data), `${t.datatype} values`);
    });
  });

  it('reassembles frames fed one byte at a time and several frames in one chunk', () => {
    const first = encodeFrame({ type: 'a', id: 1 }, ALL_TENSORS.slice(0, 4));
    const second = encodeFrame({ type: 'b', id: 2 }, []);
    const third = encodeFrame({ type: 'c', id: 3 }, ALL_TENSORS.slice(8));
    for (const chunkBytes of [1, 3, 8, 1000]) {
      const frames = decodeAll([...first, ...second, ...third], chunkBytes);
      assert.deepEqual(frames.map((f) => f.header.id), [1, 2, 3], `chunks of ${chunkBytes} bytes`);
      assert.deepEqual(plain((frameTensors(frames[2] as Frame)[4] as Tensor).data), plain(sample('BYTES')));
    }
  });

  it('keeps tensor bytes out of the header buffer and starts the payload 8-byte aligned', () => {
    const data = new Float32Array(1000).fill(2.5);
    const parts = encodeFrame({ type: 'run', id: 1 }, [{ name: 'x', datatype: 'FP32', shape: [1000], data }]);
    assert.equal(parts.length, 2);
    assert.equal(parts[1]?.buffer, data.buffer, 'the tensor part is a view of the caller’s array');
    const head = parts[0] as Buffer;
    assert.equal(head.readUInt32LE(0), head.byteLength + data.byteLength);
    assert.equal((FRAME_PREFIX_BYTES + head.readUInt32LE(4)) % 8, 0);
  });

  it('writes a small frame as one joined buffer and a large one as one corked batch of buffers', () => {
    const calls: string[] = [];
    const sink = {
      cork: () => calls.push('cork'),
      uncork: () => calls.push('uncork'),
      write: (chunk: Buffer) => calls.push(`write ${chunk.byteLength}`) > 0,
    };
    const small = encodeFrame({ type: 'run', id: 1 }, [{ name: 'x', datatype: 'INT32', shape: [2], data: new Int32Array(2) }]);
    writeFrame(sink, small);
    assert.deepEqual(calls, [`write ${(small[0]?.byteLength ?? 0) + 8}`]);
    calls.length = 0;
    const big = encodeFrame({ type: 'run', id: 2 }, [{ name: 'x', datatype: 'UINT8', shape: [1 << 20], data: new Uint8Array(1 << 20) }]);
    writeFrame(sink, big);
    assert.deepEqual(calls, ['cork', `write ${big[0]?.byteLength}`, `write ${1 << 20}`, 'uncork']);
  });

  it('rejects a frame larger than the limit, both when encoding and when decoding', () => {
    const tensor: Tensor = { name: 'x', datatype: 'UINT8', shape: [4096], data: new Uint8Array(4096) };
    assert.throws(() => encodeFrame({ type: 'run', id: 1 }, [tensor], { maxFrameBytes: 1024 }), { code: 'PAYLOAD_TOO_LARGE' });
    const parts = encodeFrame({ type: 'run', id: 1 }, [tensor]);
    const decoder = new FrameDecoder({ maxFrameBytes: 1024 });
    // The prefix alone is enough to refuse, before the body is buffered.
    assert.throws(() => decoder.push((parts[0] as Buffer).subarray(0, FRAME_PREFIX_BYTES)), { code: 'PAYLOAD_TOO_LARGE' });
  });

  it('rejects a malformed header and a payload that does not match its descriptors', () => {
    const junk = Buffer.alloc(16, 0x7b);
    junk.writeUInt32LE(16, 0);
    junk.writeUInt32LE(8, 4);
    assert.throws(() => new FrameDecoder().push(junk), { code: 'INVALID_ARGUMENT' });

    const parts = encodeFrame({ type: 'run', id: 1 }, [{ name: 'x', datatype: 'UINT8', shape: [4], data: new Uint8Array(4) }]);
    const short = Buffer.concat([parts[0] as Buffer, Buffer.alloc(3)]);
    short.writeUInt32LE(short.byteLength, 0);
    assert.throws(() => new FrameDecoder().push(short), /payload holds 3/);
  });

  it('names the tensor whose bytes do not fill its shape', () => {
    const parts = encodeFrame({ type: 'run', id: 1 }, [{ name: 'x', datatype: 'FP32', shape: [3], data: new Float32Array(2) }]);
    const [frame] = decodeAll(parts, 64);
    assert.throws(() => frameTensors(frame as Frame), { code: 'INVALID_ARGUMENT', message: /tensor 'x'/ });
  });

  it('decodes a multi-megabyte frame split into socket-sized chunks', () => {
    const data = new Float32Array(5 * 1024 * 1024 / 4).map((_, i) => i);
    const parts = encodeFrame({ type: 'run', id: 9 }, [{ name: 'big', datatype: 'FP32', shape: [data.length], data }]);
    const [frame] = decodeAll(parts, 65536);
    const out = frameTensors(frame as Frame)[0]?.data as Float32Array;
    assert.equal(out.length, data.length);
    assert.equal(out[out.length - 1], data.length - 1);
  });
});

describe('FrameDecoder.pendingHeader', () => {
  it('gives the header of a frame still arriving once its bytes are in, and nothing once the frame is whole', () => {
    const data = new Float32Array(4096).fill(1);
    const tensor: Tensor = { name: 'x', datatype: 'FP32', shape: [4096], data };
    const bytes = Buffer.concat(encodeFrame({ type: 'run-segment', id: 7, rank: { cls: 0, group: 'g', groupTag: 1, tag: 2 } }, [tensor]));
    const decoder = new FrameDecoder();
    assert.equal(decoder.pendingHeader(), undefined, 'nothing received');
    assert.deepEqual(decoder.push(bytes.subarray(0, 5)), []);
    assert.equal(decoder.pendingHeader(), undefined, 'prefix incomplete');
    const headerEnd = FRAME_PREFIX_BYTES + bytes.readUInt32LE(4);
    assert.deepEqual(decoder.push(bytes.subarray(5, headerEnd - 1)), []);
    assert.equal(decoder.pendingHeader(), undefined, 'header incomplete');
    assert.deepEqual(decoder.push(bytes.subarray(headerEnd - 1, headerEnd + 100)), []);
    const header = decoder.pendingHeader();
    assert.equal(header?.type, 'run-segment');
    assert.deepEqual(header?.['rank'], { cls: 0, group: 'g', groupTag: 1, tag: 2 });
    const frames = decoder.push(bytes.subarray(headerEnd + 100));
    assert.equal(frames.length, 1);
    assert.equal(decoder.pendingHeader(), undefined, 'the frame was taken');
  });

  it('throws on a malformed pending header', () => {
    const decoder = new FrameDecoder();
    const head = Buffer.alloc(FRAME_PREFIX_BYTES + 8, 0x20);
    head.writeUInt32LE(FRAME_PREFIX_BYTES + 8 + 1000, 0);
    head.writeUInt32LE(8, 4);
    head.write('{nope', FRAME_PREFIX_BYTES);
    assert.deepEqual(decoder.push(head), []);
    assert.throws(() => decoder.pendingHeader(), { code: 'INVALID_ARGUMENT', message: /malformed frame header/ });
  });
});
