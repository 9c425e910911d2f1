// Reads a request body into one buffer, placing Triton binary tensor data on an 8-byte boundary so it needs no copy.

import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { ServingError } from '../../core/errors.js';

/** Bodies below this size take a pooled buffer: alignment saves nothing worth an unpooled allocation. */
const SMALL_BODY_BYTES = 4096;
const ALIGN_BYTES = 8;

/**
 * With a Content-Length the body is written straight into a buffer of that size (one copy from the socket chunks);
 * when `Inference-Header-Content-Length` is present the buffer starts at an offset that puts the binary part on an
 * 8-byte boundary, so typed-array views of the tensors need no realigning copy. Without a length (chunked), chunks
 * are gathered and joined.
 */
export function readBody(
  req: Readable,
  headers: IncomingHttpHeaders,
  maxBytes: number,
  done: (err: Error | null, body?: Buffer) => void,
): void {
  const tooLarge = (): ServingError => new ServingError('PAYLOAD_TOO_LARGE', `request body exceeds the limit of ${maxBytes} bytes`);
  const declared = headers['content-length'];
  const length = declared === undefined ? undefined : Number(declared);
  if (length !== undefined && (!Number.isInteger(length) || length < 0)) {
    done(new ServingError('INVALID_ARGUMENT', `invalid Content-Length '${String(declared)}'`));
    return;
  }
  if (length !== undefined && length > maxBytes) {
    req.resume();
    done(tooLarge());
    return;
  }
  let body: Buffer | undefined;
  if (length !== undefined) {
    const header = Number(headers['inference-header-content-length']);
    const pad = length >= SMALL_BODY_BYTES && Number.isInteger(header) && header >= 0 && header <= length ? (ALIGN_BYTES - (header % ALIGN_BYTES)) % ALIGN_BYTES : 0;
    body = length < SMALL_BODY_BYTES ? Buffer.allocUnsafe(length) : Buffer.allocUnsafeSlow(length + pad).subarray(pad);
  }
  const chunks: Buffer[] = [];
  let received = 0;
  let failed = false;
  req.on('data', (chunk: Buffer) => {
    if (failed) return;
    if (received + chunk.byteLength > (length ?? maxBytes)) {
      failed = true;
      done(length === undefined ? tooLarge() : new ServingError('INVALID_ARGUMENT', 'request body is longer than its Content-Length'));
      req.resume();
      return;
    }
    if (body !== undefined) chunk.copy(body, received);
    else chunks.push(chunk);
    received += chunk.byteLength;
  });
  req.on('end', () => {
    if (failed) return;
    if (body === undefined) {
      done(null, Buffer.concat(chunks, received));
      return;
    }
    if (received !== body.byteLength) {
      done(new ServingError('INVALID_ARGUMENT', `request body has ${received} bytes but Content-Length says ${body.byteLength}`));
      return;
    }
    done(null, body);
  });
  req.on('error', (err) => {
    if (!failed) {
      failed = true;
      done(err);
    }
  });
}
