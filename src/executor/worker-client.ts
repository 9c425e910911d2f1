// Executor over a connection to one worker process: sends framed requests, matches replies by request id.

import type { Socket } from 'node:net';
import { ServingError } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import type {
  Executor,
  LoadSpec,
  LoadedSegments,
  LoadedSession,
  RunOptions,
  RunRank,
  RunResult,
  SegmentExecutor,
  SegmentRunResult,
  SegmentedLoadSpec,
} from './executor.js';
import { type Frame, type FrameCodecOptions, FrameDecoder, encodeFrame, frameTensors, writeFrame } from './protocol/frame-codec.js';
import {
  type PingOkReply,
  type WorkerReply,
  type WorkerRequest,
  asWorkerReply,
  errorFromReply,
} from './protocol/messages.js';
import { type WorkerAddress, connectWorker, describeAddress } from './protocol/worker-address.js';

interface Pending {
  readonly expect: WorkerReply['type'];
  readonly resolve: (frame: Frame) => void;
  readonly reject: (err: ServingError) => void;
  readonly counts: boolean;
}

type RequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

const EXPECTED_REPLY: Record<WorkerRequest['type'], WorkerReply['type']> = {
  load: 'load-ok',
  unload: 'unload-ok',
  run: 'run-ok',
  ping: 'ping-ok',
  'load-segments': 'load-segments-ok',
  'run-segment': 'run-segment-ok',
  'drop-job': 'drop-job-ok',
};

/** The request's `rank` field: only sent when set, so unranked requests stay as they were on the wire. */
function rankField(options: RunOptions | undefined): { rank?: RunRank } {
  return options?.rank === undefined ? {} : { rank: options.rank };
}

export class WorkerClient implements Executor, SegmentExecutor {
  private readonly pending = new Map<number, Pending>();
  private readonly specs = new Map<string, LoadSpec>();
  private readonly segmentSpecs = new Map<string, SegmentedLoadSpec>();
  private readonly closeListeners: Array<() => void> = [];
  private readonly codec: FrameCodecOptions;
  private nextId = 1;
  private open = true;
  private busy = 0;
  private lastReplyMs = performance.now();
  private readonly closed: Promise<void>;

  /** Connect to a worker listening at `address`; rejects UNAVAILABLE (retryable) when it does not answer. */
  static async connect(id: string, address: WorkerAddress, options: FrameCodecOptions = {}): Promise<WorkerClient> {
    return new WorkerClient(id, await connectWorker(address), options, describeAddress(address));
  }

  constructor(
    readonly id: string,
    private readonly socket: Socket,
    options: FrameCodecOptions = {},
    private readonly peer = 'worker',
  ) {
    this.codec = options;
    const decoder = new FrameDecoder(options);
    socket.on('data', (chunk: Buffer) => {
      let frames: Frame[];
      try {
        frames = decoder.push(chunk);
      } catch {
        socket.destroy(); // out of step with the worker: fail everything in flight via 'close'
        return;
      }
      if (frames.length > 0) this.lastReplyMs = performance.now();
      for (const frame of frames) this.settle(frame);
    });
    socket.on('error', () => socket.destroy());
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.open = false;
        this.failAll();
        for (const listener of this.closeListeners) listener();
        resolve();
      });
    });
  }

  get connected(): boolean {
    return this.open;
  }

  /** Requests sent and not yet answered, pings excluded. */
  get inFlight(): number {
    return this.busy;
  }

  /** When the last reply arrived (performance.now() milliseconds); any reply shows the worker is alive. */
  get lastReplyAtMs(): number {
    return this.lastReplyMs;
  }

  /** Called once when the connection closes (after every in-flight call has been rejected). */
  onClose(listener: () => void): void {
    if (this.open) this.closeListeners.push(listener);
    else listener();
  }

  async load(spec: LoadSpec): Promise<LoadedSession> {
    const frame = await this.call({ type: 'load', spec }, []);
    this.specs.set(spec.key, spec);
    this.segmentSpecs.delete(spec.key); // one namespace: the worker replaced it too
    return (frame.header as unknown as { session: LoadedSession }).session;
  }

  async unload(key: string): Promise<void> {
    await this.call({ type: 'unload', key }, []);
    this.specs.delete(key);
    this.segmentSpecs.delete(key);
  }

  async loadSegments(spec: SegmentedLoadSpec): Promise<LoadedSegments> {
    const frame = await this.call({ type: 'load-segments', spec }, []);
    this.segmentSpecs.set(spec.key, spec);
    this.specs.delete(spec.key);
    return (frame.header as unknown as { segments: LoadedSegments }).segments;
  }

  async runSegment(key: string, jobId: string, segmentIndex: number, inputs: readonly Tensor[], outputNames: readonly string[], options?: RunOptions): Promise<SegmentRunResult> {
    const frame = await this.call({ type: 'run-segment', key, jobId, segmentIndex, outputNames, ...rankField(options) }, inputs);
    const header = frame.header as unknown as { done: boolean; computeNs: number };
    return { done: header.done, outputs: frameTensors(frame), computeNs: header.computeNs };
  }

  async dropJob(key: string, jobId: string): Promise<boolean> {
    const frame = await this.call({ type: 'drop-job', key, jobId }, []);
    return (frame.header as unknown as { dropped: boolean }).dropped;
  }

  async run(key: string, inputs: readonly Tensor[], outputNames: readonly string[], options?: RunOptions): Promise<RunResult> {
    const frame = await this.call({ type: 'run', key, outputNames, ...rankField(options) }, inputs);
    return { outputs: frameTensors(frame), computeNs: (frame.header as unknown as { computeNs: number }).computeNs };
  }

  async ping(): Promise<PingOkReply> {
    const frame = await this.call({ type: 'ping' }, []);
    return frame.header as unknown as PingOkReply;
  }

  /** Keys of the sessions (plain and segmented) this client loaded and has not unloaded; kept after a disconnect. */
  loadedKeys(): readonly string[] {
    return [...this.specs.keys(), ...this.segmentSpecs.keys()];
  }

  /** The SegmentedLoadSpecs behind the segmented keys of `loadedKeys()`, in load order. */
  segmentedLoadSpecs(): readonly SegmentedLoadSpec[] {
    return [...this.segmentSpecs.values()];
  }

  /** The LoadSpecs behind `loadedKeys()`, in load order. */
  loadSpecs(): readonly LoadSpec[] {
    return [...this.specs.values()];
  }

  async close(): Promise<void> {
    this.socket.destroy();
    await this.closed;
  }

  private call(body: RequestBody, tensors: readonly Tensor[]): Promise<Frame> {
    if (!this.open) return Promise.reject(this.unavailable('is not connected'));
    const id = this.nextId++;
    const parts = encodeFrame({ ...body, id }, tensors, this.codec); // throws synchronously, nothing sent
    const counts = body.type !== 'ping';
    return new Promise<Frame>((resolve, reject) => {
      this.pending.set(id, { expect: EXPECTED_REPLY[body.type], resolve, reject, counts });
      if (counts) this.busy++;
      writeFrame(this.socket, parts);
    });
  }

  private settle(frame: Frame): void {
    const entry = this.pending.get(frame.header.id);
    if (entry === undefined) return; // a reply to nothing we asked; ignore rather than tear the connection down
    this.pending.delete(frame.header.id);
    if (entry.counts) this.busy--;
    let reply: WorkerReply;
    try {
      reply = asWorkerReply(frame.header);
    } catch (err) {
      entry.reject(err as ServingError);
      return;
    }
    if (reply.type === 'error') entry.reject(errorFromReply(reply));
    else if (reply.type !== entry.expect) entry.reject(new ServingError('INTERNAL', `${this.peer} answered '${reply.type}' to a request expecting '${entry.expect}'`));
    else entry.resolve(frame);
  }

  private failAll(): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    this.busy = 0;
    for (const entry of entries) entry.reject(this.unavailable('closed its connection with the request in flight'));
  }

  private unavailable(what: string): ServingError {
    return new ServingError('UNAVAILABLE', `executor ${this.id} (${this.peer}) ${what}`, { retryable: true });
  }
}
