// A minimal OIP V2 REST client over global fetch for end-to-end tests: JSON calls and binary tensor bodies.

/** Status plus parsed JSON body (undefined when the body is not JSON). */
export interface JsonReply<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export interface ErrorBody {
  readonly error: string;
}

/** A split binary-extension response: its JSON header and the raw bytes after it. */
export interface BinaryReply<T = unknown> {
  readonly status: number;
  readonly json: T;
  readonly binary: Buffer;
}

/** Every call gives up after this long, so a hung server fails the test instead of stalling it. */
const REQUEST_TIMEOUT_MS = 15_000;

export class OipClient {
  constructor(readonly url: string) {}

  async get<T = unknown>(path: string): Promise<JsonReply<T>> {
    return this.reply<T>(await fetch(`${this.url}${path}`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }));
  }

  /** POSTs `body` as JSON (a string is sent as is, so malformed JSON can be tested). */
  async post<T = unknown>(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonReply<T>> {
    const res = await fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    return this.reply<T>(res);
  }

  /** POST .../infer with a JSON body; `version` selects /versions/{v}. */
  infer<T = InferResponseJson>(model: string, body: unknown, version?: string): Promise<JsonReply<T>> {
    return this.post<T>(`${modelPath(model, version)}/infer`, body);
  }

  /** POST .../infer with the binary tensor extension: `header` as JSON followed by `parts`. */
  async inferBinary<T = InferResponseJson>(
    model: string,
    header: unknown,
    parts: readonly Uint8Array[],
    headerLength?: number,
  ): Promise<BinaryReply<T>> {
    const json = Buffer.from(JSON.stringify(header));
    const res = await fetch(`${this.url}${modelPath(model)}/infer`, {
      method: 'POST',
      headers: {
        'content-type': 'application/octet-stream',
        'inference-header-content-length': String(headerLength ?? json.byteLength),
      },
      body: Buffer.concat([json, ...parts]),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = Buffer.from(await res.arrayBuffer());
    const length = res.headers.get('inference-header-content-length');
    const jsonBytes = length === null ? body.byteLength : Number(length);
    return {
      status: res.status,
      json: JSON.parse(body.toString('utf8', 0, jsonBytes)) as T,
      binary: body.subarray(jsonBytes),
    };
  }

  private async reply<T>(res: Response): Promise<JsonReply<T>> {
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: res.status, body: body as T, headers: res.headers };
  }
}

export function modelPath(model: string, version?: string): string {
  return `/v2/models/${encodeURIComponent(model)}${version === undefined ? '' : `/versions/${version}`}`;
}

export interface OutputJson {
  readonly name: string;
  readonly datatype: string;
  readonly shape: readonly number[];
  readonly data?: readonly number[];
  readonly parameters?: { readonly binary_data_size?: number };
}

export interface InferResponseJson {
  readonly model_name: string;
  readonly model_version: string;
  readonly id?: string;
  readonly outputs: readonly OutputJson[];
}
