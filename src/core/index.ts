// Public surface of core value types.
export * from './clock.js';
export * from './datatype.js';
export * from './errors.js';
export * from './inference.js';
export * from './tensor.js';
