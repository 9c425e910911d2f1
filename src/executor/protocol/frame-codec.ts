// Length-prefixed binary framing of worker messages: a small JSON header plus raw tensor bytes.
//
//   0        4        8                     8+H                          T
//   +--------+--------+---------------------+----------------------------+
//   | T u32  | H u32  | header (UTF-8 JSON) | payload: tensor bytes in   |
//   |  LE    |  LE    | {type,id,tensors,…} | descriptor order           |
//   +--------+--------+---------------------+----------------------------+
//
// T is the length of the whole frame (both prefixes included). The header is padded with spaces so the
// payload starts 8-byte aligned within the frame, which lets decoded tensors view the frame buffer
// without a copy. BYTES tensors use the protocol serialisation (u32 LE length + bytes per element).

import type { DataType } from '../../core/datatype.js';
import { isDataType } from '../../core/datatype.js';
import { ServingError } from '../../core/errors.js';
import { type Tensor, dataFromBytes, dataToBytes, elementCount } from '../../core/tensor.js';

export const FRAME_PREFIX_BYTES = 8;
/** Default upper bound on one frame: 1 GiB. */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024 * 1024;
/** The length prefix is a u32, so no frame can exceed this. */
const U32_MAX = 0xffff_ffff;
const PAYLOAD_ALIGN_BYTES = 8;

export interface TensorDescriptor {
  readonly name: string;
  readonly datatype: DataType;
  readonly shape: readonly number[];
  readonly byteLength: number;
}

/** What every header carries; message-specific fields ride beside these. */
export interface FrameMessage {
  readonly type: string;
  readonly id: number;
}

export interface FrameHeader extends FrameMessage {
  readonly tensors: readonly TensorDescriptor[];
  readonly [field: string]: unknown;
}

export interface Frame {
  readonly header: FrameHeader;
  /** The concatenated tensor bytes; a view into the received data. */
  readonly payload: Buffer;
}

export interface FrameCodecOptions {
  /** Largest frame accepted or produced, in bytes (default 1 GiB, at most 4 GiB - 1). */
  readonly maxFrameBytes?: number;
}

function maxFrameBytesOf(options: FrameCodecOptions): number {
  return Math.min(options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES, U32_MAX);
}

function tooLarge(bytes: number, max: number): ServingError {
  return new ServingError('PAYLOAD_TOO_LARGE', `frame of ${bytes} bytes exceeds the limit of ${max} bytes`);
}

/**
 * Encode one message and its tensors as a list of buffers: the prefix+header, then one view per tensor.
 * Tensor bytes are not copied (BYTES tensors are serialised once); write the list with `writeFrame`.
 */
export function encodeFrame<M extends FrameMessage>(message: M, tensors: readonly Tensor[], options: FrameCodecOptions = {}): Buffer[] {
  const bodies: Buffer[] = [];
  const descriptors: TensorDescriptor[] = [];
  let payloadBytes = 0;
  for (const t of tensors) {
    const bytes = dataToBytes(t.data);
    const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    bodies.push(body);
    descriptors.push({ name: t.name, datatype: t.datatype, shape: t.shape, byteLength: body.byteLength });
    payloadBytes += body.byteLength;
  }
  const json = Buffer.from(JSON.stringify({ ...message, tensors: descriptors }), 'utf8');
  const headerBytes = json.byteLength + ((PAYLOAD_ALIGN_BYTES - (json.byteLength % PAYLOAD_ALIGN_BYTES)) % PAYLOAD_ALIGN_BYTES);
  const totalBytes = FRAME_PREFIX_BYTES + headerBytes + payloadBytes;
  const max = maxFrameBytesOf(options);
  if (totalBytes > max) throw tooLarge(totalBytes, max);

  const head = Buffer.alloc(FRAME_PREFIX_BYTES + headerBytes, 0x20); // JSON allows trailing spaces as padding
  head.writeUInt32LE(totalBytes, 0);
  head.writeUInt32LE(headerBytes, 4);
  json.copy(head, FRAME_PREFIX_BYTES);
  return [head, ...bodies.filter((b) => b.byteLength > 0)];
}

/** The part of a socket `writeFrame` needs (net.Socket satisfies it). */
export interface FrameSink {
  cork(): void;
  uncork(): void;
  write(chunk: Buffer): boolean;
}

/** Frames up to this size are joined into one buffer: one plain write is cheaper than a vectored one for them. */
const COALESCE_MAX_BYTES = 64 * 1024;

/** Write an encoded frame as one write (small frames) or one vectored write; returns false when the sink is full. */
export function writeFrame(sink: FrameSink, parts: readonly Buffer[]): boolean {
  let total = 0;
  for (const part of parts) total += part.byteLength;
  if (parts.length === 1 || total <= COALESCE_MAX_BYTES) {
    return sink.write(parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts as Buffer[], total));
  }
  sink.cork();
  let ok = true;
  for (const part of parts) ok = sink.write(part) && ok;
  sink.uncork();
  return ok;
}

/**
 * Reassembles frames from stream chunks. Chunks are kept in a list and each frame's bytes are copied at
 * most once (not at all when the frame lies inside one chunk), so large frames cost linear time.
 * `push` throws on a malformed or oversized frame; the stream is then unusable and should be closed.
 */
export class FrameDecoder {
  private readonly maxFrameBytes: number;
  private chunks: Buffer[] = [];
  private bufferedBytes = 0;
  /** pendingHeader's answer for the frame still arriving (cleared when a frame is taken). */
  private pending: FrameHeader | undefined;

  constructor(options: FrameCodecOptions = {}) {
    this.maxFrameBytes = maxFrameBytesOf(options);
  }

  /** Bytes received but not yet returned as a frame. */
  get pendingBytes(): number {
    return this.bufferedBytes;
  }

  /**
   * The header of the frame still arriving, once its bytes are in (a large frame's header comes first); undefined
   * when nothing is pending or the header is not complete yet. Throws like push on a malformed header.
   */
  pendingHeader(): FrameHeader | undefined {
    if (this.pending !== undefined || this.bufferedBytes < FRAME_PREFIX_BYTES) return this.pending;
    const headerBytes = this.peek(FRAME_PREFIX_BYTES).readUInt32LE(4);
    if (this.bufferedBytes < FRAME_PREFIX_BYTES + headerBytes) return undefined;
    this.pending = parseHeader(this.peek(FRAME_PREFIX_BYTES + headerBytes), headerBytes);
    return this.pending;
  }

  push(chunk: Buffer): Frame[] {
    if (chunk.byteLength > 0) {
      this.chunks.push(chunk);
      this.bufferedBytes += chunk.byteLength;
    }
    const frames: Frame[] = [];
    while (this.bufferedBytes >= FRAME_PREFIX_BYTES) {
      const prefix = this.peek(FRAME_PREFIX_BYTES);
      const totalBytes = prefix.readUInt32LE(0);
      const headerBytes = prefix.readUInt32LE(4);
      if (totalBytes > this.maxFrameBytes) throw tooLarge(totalBytes, this.maxFrameBytes);
      if (headerBytes > totalBytes - FRAME_PREFIX_BYTES || totalBytes < FRAME_PREFIX_BYTES) {
        throw new ServingError('INVALID_ARGUMENT', `malformed frame: header of ${headerBytes} bytes in a frame of ${totalBytes}`);
      }
      if (this.bufferedBytes < totalBytes) break;
      const bytes = this.take(totalBytes);
      this.pending = undefined;
      frames.push(parseFrame(bytes, headerBytes));
    }
    return frames;
  }

  /** The first `n` buffered bytes, copying only when they straddle chunks (n is small here). */
  private peek(n: number): Buffer {
    const first = this.chunks[0] as Buffer;
    return first.byteLength >= n ? first : Buffer.concat(this.chunks, n);
  }

  /** Remove and return the first `n` buffered bytes. */
  private take(n: number): Buffer {
    this.bufferedBytes -= n;
    const first = this.chunks[0] as Buffer;
    if (first.byteLength >= n) {
      if (first.byteLength === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0] as Buffer;
      const used = Math.min(chunk.byteLength, n - filled);
      chunk.copy(out, filled, 0, used);
      filled += used;
      if (used === chunk.byteLength) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(used);
    }
    return out;
  }
}

/** The JSON header of a frame whose first `FRAME_PREFIX_BYTES + headerBytes` bytes are `bytes`' start. */
function parseHeader(bytes: Buffer, headerBytes: number): FrameHeader {
  let header: unknown;
  try {
    header = JSON.parse(bytes.toString('utf8', FRAME_PREFIX_BYTES, FRAME_PREFIX_BYTES + headerBytes));
  } catch (err) {
    throw new ServingError('INVALID_ARGUMENT', `malformed frame header: ${(err as Error).message}`);
  }
  if (!isFrameHeader(header)) throw new ServingError('INVALID_ARGUMENT', 'malformed frame header: missing type, id or tensors');
  return header;
}

function parseFrame(bytes: Buffer, headerBytes: number): Frame {
  const payloadStart = FRAME_PREFIX_BYTES + headerBytes;
  const header = parseHeader(bytes, headerBytes);
  const payload = bytes.subarray(payloadStart);
  let described = 0;
  for (const d of header.tensors) described += d.byteLength;
  if (described !== payload.byteLength) {
    throw new ServingError(
      'INVALID_ARGUMENT',
      `malformed frame: tensors describe ${described} bytes but the payload holds ${payload.byteLength}`,
    );
  }
  return { header, payload };
}

function isFrameHeader(value: unknown): value is FrameHeader {
  if (value === null || typeof value !== 'object') return false;
  const h = value as Record<string, unknown>;
  return typeof h['type'] === 'string' && typeof h['id'] === 'number' && Array.isArray(h['tensors']) && h['tensors'].every(isDescriptor);
}

function isDescriptor(value: unknown): value is TensorDescriptor {
  if (value === null || typeof value !== 'object') return false;
  const d = value as Record<string, unknown>;
  return (
    typeof d['name'] === 'string' &&
    isDataType(d['datatype']) &&
    Array.isArray(d['shape']) &&
    d['shape'].every((n) => Number.isInteger(n) && (n as number) >= 0) &&
    Number.isInteger(d['byteLength']) &&
    (d['byteLength'] as number) >= 0
  );
}

/**
 * The frame's tensors, viewing the payload where alignment allows (the views share the frame's memory).
 * Throws INVALID_ARGUMENT naming the tensor when its bytes do not fit its datatype.
 */
export function frameTensors(frame: Frame): Tensor[] {
  const out: Tensor[] = [];
  let offset = 0;
  for (const d of frame.header.tensors) {
    const bytes = frame.payload.subarray(offset, offset + d.byteLength);
    offset += d.byteLength;
    const data = dataFromBytes(d.name, d.datatype, bytes);
    if (data.length !== elementCount(d.shape)) {
      throw new ServingError(
        'INVALID_ARGUMENT',
        `tensor '${d.name}': ${data.length} elements do not fill shape [${d.shape.join(', ')}]`,
      );
    }
    out.push({ name: d.name, datatype: d.datatype, shape: d.shape, data });
  }
  return out;
}
