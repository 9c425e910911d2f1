// Node flags for Tessera's long-running processes (front end and workers): heaps sized for tensor traffic.

/**
 * Every request moves its tensors through ArrayBuffers (socket chunks, the body, frames to and from a worker). V8
 * counts the external bytes allocated since the last full collection against the old generation's limit, which it
 * sizes from the live JS heap (about 1.1x of ~17 MB for the front end). So with the default limits a few hundred KB
 * per request forces a full mark-compact every 100-300 ms: 5-15 ms pauses plus as much again in incremental steps,
 * on the thread that parses and answers every request. A larger initial old space raises that floor; the buffers die
 * young and are freed by scavenges, and full collections become rare. It is an initial size, not a cap: the heap
 * stays as small as its live objects plus the garbage allowed between collections.
 *
 * - 64 MB was enough at the SLO experiment's 60 requests/s (bench/slo): front-end CPU per request fell from 4.3 ms to
 *   2.5 ms and full collections from ~40 to 1 in 12 s.
 * - At 3x capacity (~400 requests/s, most of them ~600 KB image bodies, most refused) 64 MB still meant ~5 full
 *   collections a second (1.4 s of collector time in 20 s). 256 MB: ~0.5 a second (0.15 s); front-end CPU 0.40-0.45
 *   -> 0.24 of a core (with app requests refused before their bodies, src/frontend/http), peak RSS 160 -> 185 MiB.
 *   Three 60 s runs each: admitted attainment 97.1/96.8/98.1% -> 98.1/97.5/98.1% (512 MB: 97.9/98.3/98.7%, the same
 *   number of collections). The price: more garbage between collections. bench:overhead's front-end peak (3 MB JSON
 *   ResNet-50 bodies at concurrency 8) was 325 MiB, against 213 MiB in its run before any of these flags.
 *
 * Workers keep 64 MB: one request at a time reaches each, and at 3x they ran 2 full collections in 20 s.
 * Flags can only be set when a process starts (v8.setFlagsFromString is too late for heap sizing), so they are passed
 * where the processes are launched: the `tessera` executable's shebang, the npm scripts and the benchmarks' server
 * launcher (front end), and the worker pool's fork (workers).
 */
export const FRONT_END_NODE_FLAGS: readonly string[] = ['--initial-old-space-size=256'];

/** Node flags of worker processes (see FRONT_END_NODE_FLAGS). */
export const WORKER_NODE_FLAGS: readonly string[] = ['--initial-old-space-size=64'];
