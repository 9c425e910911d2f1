// The slice of a pino logger the profiler writes to, so tests can pass a silent or recording one.

export interface ProfilerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export const silentLogger: ProfilerLogger = {
  info: () => undefined,
  warn: () => undefined,
};
