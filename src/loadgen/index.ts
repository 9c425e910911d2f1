// Public API of the load generator: runLoad, the spec and report types, spec parsing and the text table.

export { runLoad, type LoadProgress, type RunLoadOptions } from './run-load.js';
export type { AppLoad, ClosedArrival, Encoding, LoadArrival, LoadSpec, OpenArrival, Protocol, Target } from './load-spec.js';
export { LOAD_DEFAULTS } from './load-spec.js';
export type { AppReport, LatencySummary, LoadReport, LoadTotals } from './load-report.js';
export { parseLoadSpec, readLoadSpecFile } from './parse-load-spec.js';
export { parseTarget, formatTarget } from './target.js';
export { formatLoadReport } from './format-load-report.js';
export type { LoadTransport, SendOutcome, Sender } from './transport.js';
