// The logging surface the gRPC front end needs; a pino logger satisfies it.

export interface GrpcLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
