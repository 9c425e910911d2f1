// Public surface of perfmodel: queueing predictors of latency and load for models sharing an executor.
export * from './batching.js';
export * from './colocated-from-profile.js';
export * from './cpu-scaling.js';
export * from './fcfs-switch.js';
export * from './gamma-distribution.js';
export * from './predictor.js';
export * from './predictor-for.js';
export * from './predictors/arbiter-predictor.js';
export * from './predictors/batching-predictor.js';
export * from './predictors/fcfs-predictor.js';
export * from './predictors/processor-sharing-predictor.js';
export * from './processor-sharing.js';
export * from './response-time.js';
export * from './round-robin-arbiter.js';
export * from './service-distribution.js';
export * from './shared-batching.js';
export * from './types.js';
