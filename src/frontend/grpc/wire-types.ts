// Shapes of the OIP V2 gRPC messages as @grpc/proto-loader decodes them (keepCase, string longs, defaults, oneofs).

/** int64/uint64 fields: proto-loader decodes them as decimal strings; on encode a number or string is accepted. */
export type WireInt64 = string;
export type WireInt64Out = number | string;

export type WireParameterChoice = 'bool_param' | 'int64_param' | 'string_param' | 'double_param' | 'uint64_param';

export interface WireInferParameter {
  /** The oneof's virtual field: which member is set (absent when none is). */
  readonly parameter_choice?: WireParameterChoice;
  readonly bool_param?: boolean;
  readonly int64_param?: WireInt64Out;
  readonly string_param?: string;
  readonly double_param?: number;
  readonly uint64_param?: WireInt64Out;
}

export type WireParameters = Readonly<Record<string, WireInferParameter>>;

export interface WireTensorContents {
  readonly bool_contents: readonly boolean[];
  readonly int_contents: readonly number[];
  readonly int64_contents: readonly WireInt64[];
  readonly uint_contents: readonly number[];
  readonly uint64_contents: readonly WireInt64[];
  readonly fp32_contents: readonly number[];
  readonly fp64_contents: readonly number[];
  readonly bytes_contents: readonly Uint8Array[];
}

export interface WireInferInputTensor {
  readonly name: string;
  readonly datatype: string;
  readonly shape: readonly WireInt64[];
  readonly parameters: WireParameters;
  /** null when unset (defaults: true). */
  readonly contents: WireTensorContents | null;
}

export interface WireRequestedOutput {
  readonly name: string;
  readonly parameters: WireParameters;
}

export interface WireModelInferRequest {
  readonly model_name: string;
  readonly model_version: string;
  readonly id: string;
  readonly parameters: WireParameters;
  readonly inputs: readonly WireInferInputTensor[];
  readonly outputs: readonly WireRequestedOutput[];
  readonly raw_input_contents: readonly Uint8Array[];
}

export interface WireInferOutputTensor {
  readonly name: string;
  readonly datatype: string;
  readonly shape: readonly number[];
}

export interface WireModelInferResponse {
  readonly model_name: string;
  readonly model_version: string;
  readonly id: string;
  readonly parameters: WireParameters;
  readonly outputs: readonly WireInferOutputTensor[];
  readonly raw_output_contents: readonly Uint8Array[];
}

export interface WireNameVersion {
  readonly name: string;
  readonly version: string;
}

export interface WireRepositoryParameter {
  readonly parameter_choice?: 'bool_param' | 'int64_param' | 'string_param' | 'bytes_param';
  readonly bool_param?: boolean;
  readonly int64_param?: WireInt64;
  readonly string_param?: string;
  readonly bytes_param?: Uint8Array;
}

export interface WireRepositoryIndexRequest {
  readonly repository_name: string;
  readonly ready: boolean;
}

export interface WireRepositoryModelRequest {
  readonly repository_name: string;
  readonly model_name: string;
  readonly parameters: Readonly<Record<string, WireRepositoryParameter>>;
}

export interface WireStatisticDuration {
  readonly count: WireInt64Out;
  readonly ns: WireInt64Out;
}
