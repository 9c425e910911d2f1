// Metrics turn the engine's diagnostics-channel events into Prometheus series.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchExecuted, queueChanged, requestDone, workerChanged } from '../engine/channels.js';
import { Metrics } from './metrics.js';

test('request, batch, queue and worker events appear as labelled Prometheus series', async () => {
  const metrics = new Metrics(() => [{ id: 'worker-0', rssBytes: 1234 }]);
  try {
    requestDone.publish({ model: 'm', version: '1', outcome: 'success', totalNs: 2_000_000, queueNs: 500_000, computeNs: 1_000_000 });
    requestDone.publish({ model: 'm', version: '1', outcome: 'INVALID_ARGUMENT', totalNs: 0, queueNs: 0, computeNs: 0 });
    batchExecuted.publish({ model: 'm', version: '1', rows: 4, requests: 2, computeNs: 1_000_000 });
    queueChanged.publish({ model: 'm', version: '1', delta: 1 });
    workerChanged.publish({ id: 'worker-0', kind: 'restart' });
    const text = await metrics.text();
    assert.match(text, /tessera_request_success_total\{model="m",version="1"\} 1/);
    assert.match(text, /tessera_request_failure_total\{model="m",version="1",reason="INVALID_ARGUMENT"\} 1/);
    assert.match(text, /tessera_inference_count_total\{model="m",version="1"\} 4/);
    assert.match(text, /tessera_execution_count_total\{model="m",version="1"\} 1/);
    assert.match(text, /tessera_queue_duration_us_total\{model="m",version="1"\} 500/);
    assert.match(text, /tessera_pending_requests\{model="m",version="1"\} 1/);
    assert.match(text, /tessera_worker_restarts_total\{worker="worker-0"\} 1/);
    assert.match(text, /tessera_worker_rss_bytes\{worker="worker-0"\} 1234/);
    assert.match(text, /tessera_request_duration_seconds_bucket\{le="0.0025",model="m",version="1"\} 1/);
  } finally {
    metrics.close();
  }
});

test('a closed Metrics no longer counts events', async () => {
  const metrics = new Metrics(() => []);
  metrics.close();
  requestDone.publish({ model: 'x', version: '1', outcome: 'success', totalNs: 1, queueNs: 0, computeNs: 0 });
  assert.doesNotMatch(await metrics.text(), /model="x"/);
});
