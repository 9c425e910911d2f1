// Node flags for Tessera's long-running processes (front end and workers): a heap sized for tensor traffic.

/**
 * Every request moves its tensors through ArrayBuffers (socket chunks, the body, frames to and from a worker). V8
 * counts that memory against a global limit sized from the live JS heap (about 1.1x of ~17 MB for the front end),
 * so with the default limits a few hundred KB per request forces a full mark-compact every 100-300 ms: 5-15 ms
 * pauses plus as much again in incremental steps, on the thread that parses and answers every request. A 64 MB
 * initial old space raises that floor; the buffers die young and are freed by scavenges, and full collections
 * become rare. Measured on the SLO experiment's mix at 60 requests/s (bench/slo): front-end CPU per request fell
 * from 4.3 ms to 2.5 ms and full collections from ~40 to 1 in 12 s. It is an initial size, not a cap.
 *
 * It can only be set when a process starts (v8.setFlagsFromString is too late for heap sizing), so it is passed
 * where the processes are launched: the worker pool's fork, the `tessera` executable's shebang, the npm scripts and
 * the benchmarks' server launcher.
 */
export const HEAP_NODE_FLAGS: readonly string[] = ['--initial-old-space-size=64'];
