// readBody: one copy into a buffer sized by Content-Length, binary tensor data 8-byte aligned, limits enforced.

import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { readBody } from './body-reader.js';

function read(chunks: Buffer[], headers: Record<string, string>, max = 1 << 20): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    readBody(Readable.from(chunks), headers, max, (err, body) => (err === null ? resolve(body as Buffer) : reject(err)));
  });
}

test('a body with Content-Length arrives whole, with its binary part on an 8-byte boundary', async () => {
  const json = Buffer.from('{"inputs":[]}xyz'); // 16 bytes of "JSON", then binary
  const header = 13;
  const payload = Buffer.concat([json.subarray(0, header), Buffer.alloc(8000, 7)]);
  const body = await read([payload.subarray(0, 100), payload.subarray(100)], {
    'content-length': String(payload.byteLength),
    'inference-header-content-length': String(header),
  });
  assert.deepEqual(body, payload);
  assert.equal((body.byteOffset + header) % 8, 0);
});

test('a chunked body (no Content-Length) is joined', async () => {
  const body = await read([Buffer.from('ab'), Buffer.from('cd')], {});
  assert.equal(body.toString(), 'abcd');
});

test('a body over the limit is refused with PAYLOAD_TOO_LARGE, by header or while streaming', async () => {
  await assert.rejects(read([Buffer.alloc(10)], { 'content-length': '10' }, 5), { code: 'PAYLOAD_TOO_LARGE' });
  await assert.rejects(read([Buffer.alloc(4), Buffer.alloc(4)], {}, 5), { code: 'PAYLOAD_TOO_LARGE' });
});

test('a body shorter than its Content-Length, or a malformed length, is INVALID_ARGUMENT', async () => {
  await assert.rejects(read([Buffer.alloc(3)], { 'content-length': '10' }), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(read([Buffer.alloc(3)], { 'content-length': 'abc' }), { code: 'INVALID_ARGUMENT' });
});
