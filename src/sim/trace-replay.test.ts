// Trace replay: CSV parsing (header, comments, errors by line) and grouping into per-model replay streams.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTrace, traceToStreams } from './trace-replay.js';

test('parseTrace reads timestamp_ms,model lines and skips a header, blank lines and comments', () => {
  const text = 'timestamp_ms,model\n# warm\n\n12.5, resnet\r\n10,bert\n';
  assert.deepEqual(parseTrace(text), [
    { timeMs: 12.5, model: 'resnet' },
    { timeMs: 10, model: 'bert' },
  ]);
});

test('parseTrace names the source and line of a bad row', () => {
  assert.throws(() => parseTrace('1,a\n2\n', 'day1.csv'), { code: 'INVALID_ARGUMENT', message: /^day1\.csv:2: expected 'timestamp_ms,model'/ });
  assert.throws(() => parseTrace('1,a\nx,b\n'), { message: /^trace:2: timestamp_ms must be a number/ });
  assert.throws(() => parseTrace('1,\n'), { message: /^trace:1: model must be/ });
  assert.throws(() => parseTrace('-3,a\n'), { message: /^trace:1:/ });
});

test('traceToStreams groups arrivals per model, sorted and rebased to start at 0', () => {
  const streams = traceToStreams(parseTrace('1005,b\n1000,a\n1002,a\n1001,b\n'));
  assert.deepEqual(streams, [
    { model: 'b', arrival: { kind: 'replay', timesMs: [1, 5] } },
    { model: 'a', arrival: { kind: 'replay', timesMs: [0, 2] } },
  ]);
});

test('traceToStreams can keep the original times or replay faster', () => {
  const arrivals = parseTrace('100,a\n110,a\n');
  assert.deepEqual(traceToStreams(arrivals, { startMs: null })[0]?.arrival, { kind: 'replay', timesMs: [100, 110] });
  assert.deepEqual(traceToStreams(arrivals, { timeScale: 0.5, startMs: 20 })[0]?.arrival, { kind: 'replay', timesMs: [20, 25] });
});
