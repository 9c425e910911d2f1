// The worker side of the RPC: accepts connections, answers pings at once and runs everything else serially
// (load/unload/run and the segmented load-segments/run-segment/drop-job).

import { rmSync } from 'node:fs';
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import { toServingError } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import { type RunRank, ranksBefore } from './executor.js';
import { type Frame, type FrameCodecOptions, FrameDecoder, type FrameHeader, encodeFrame, frameTensors, writeFrame } from './protocol/frame-codec.js';
import { type WorkerReply, type WorkerRequest, asWorkerRequest, errorReply } from './protocol/messages.js';
import { DEFAULT_WORKER_HOST, type WorkerAddress } from './protocol/worker-address.js';
import { OrtSessionStore } from './ort-session-store.js';
import { SerialQueue } from './serial-queue.js';

/**
 * How long the worker waits, before starting its next call, for a request it has started to receive: ORT blocks the
 * thread during a run, so a large input (a 224×224 image is 600 KB) arrives over several reads between runs, and
 * without the wait a unit the arbiter ranks first would wait for one more run of another model. A request being
 * written arrives within well under a millisecond once read; the bound only keeps a stalled sender from holding the
 * worker.
 */
const PARTIAL_FRAME_HOLD_MS = 2;

export class WorkerServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  /**
   * One call at a time: ORT blocks the thread anyway, and arrival order is the scheduler's order, except that ranked
   * runs waiting together go in rank order (see RunOptions).
   */
  private readonly queue = new SerialQueue({ readBeforeNext: true, holdWhile: (next) => this.arrivingAhead(next), holdMaxMs: PARTIAL_FRAME_HOLD_MS });
  /** Decoders holding part of a frame: a request still arriving (a large input comes in several socket reads). */
  private readonly partialFrames = new Set<FrameDecoder>();

  constructor(
    private readonly store: OrtSessionStore = new OrtSessionStore(),
    private readonly codec: FrameCodecOptions = {},
  ) {
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Listen; resolves with the bound address (the real port when asked for port 0). */
  listen(address: WorkerAddress): Promise<WorkerAddress> {
    if ('path' in address) rmSync(address.path, { force: true }); // a stale file from a killed worker
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      const onListening = (): void => {
        this.server.off('error', reject);
        if ('path' in address) return resolve(address);
        const bound = this.server.address() as AddressInfo;
        resolve({ port: bound.port, host: address.host ?? DEFAULT_WORKER_HOST });
      };
      if ('path' in address) this.server.listen(address.path, onListening);
      else this.server.listen(address.port, address.host ?? DEFAULT_WORKER_HOST, onListening);
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.store.releaseAll();
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const decoder = new FrameDecoder(this.codec);
    socket.on('data', (chunk: Buffer) => {
      let frames: Frame[];
      try {
        frames = decoder.push(chunk);
      } catch {
        socket.destroy(); // the byte stream is out of step; the client sees the close and fails its calls
        return;
      }
      if (decoder.pendingBytes > 0) this.partialFrames.add(decoder);
      else this.partialFrames.delete(decoder);
      for (const frame of frames) this.dispatch(socket, frame);
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.partialFrames.delete(decoder);
    });
  }

  /**
   * Whether a run still arriving ranks ahead of `next`, the ranked call that would start now: worth a short wait. A
   * run whose header is not in yet counts as ahead; one without a rank, or behind `next`, does not; nor anything
   * when the next call is unranked (nothing may pass it) or there is none (the arriving one starts on arrival).
   */
  private arrivingAhead(next: RunRank | undefined): boolean {
    if (next === undefined) return false;
    for (const decoder of this.partialFrames) {
      let header: FrameHeader | undefined;
      try {
        header = decoder.pendingHeader();
      } catch {
        continue; // malformed: push reports it when the frame is whole
      }
      if (header === undefined) return true;
      const rank = header['rank'] as RunRank | undefined;
      if ((header.type === 'run' || header.type === 'run-segment') && rank !== undefined && ranksBefore(rank, next)) return true;
    }
    return false;
  }

  private dispatch(socket: Socket, frame: Frame): void {
    let request: WorkerRequest;
    try {
      request = asWorkerRequest(frame.header);
    } catch (err) {
      this.reply(socket, errorReply(frame.header.id, toServingError(err)), []);
      return;
    }
    if (request.type === 'ping') {
      const rssBytes = process.memoryUsage.rss();
      this.reply(socket, { type: 'ping-ok', id: request.id, pid: process.pid, rssBytes }, []);
      return;
    }
    const rank = request.type === 'run' || request.type === 'run-segment' ? request.rank : undefined;
    this.queue.push(() => this.execute(request, frame), rank).then(
      ([reply, tensors]) => this.reply(socket, reply, tensors),
      (err: unknown) => this.reply(socket, errorReply(request.id, toServingError(err)), []),
    );
  }

  private async execute(request: Exclude<WorkerRequest, { type: 'ping' }>, frame: Frame): Promise<[WorkerReply, readonly Tensor[]]> {
    switch (request.type) {
      case 'load':
        return [{ type: 'load-ok', id: request.id, session: await this.store.load(request.spec) }, []];
      case 'unload':
        await this.store.unload(request.key);
        return [{ type: 'unload-ok', id: request.id }, []];
      case 'run': {
        const result = await this.store.run(request.key, frameTensors(frame), request.outputNames);
        return [{ type: 'run-ok', id: request.id, computeNs: result.computeNs }, result.outputs];
      }
      case 'load-segments':
        return [{ type: 'load-segments-ok', id: request.id, segments: await this.store.loadSegments(request.spec) }, []];
      case 'run-segment': {
        const { key, jobId, segmentIndex, outputNames } = request;
        const result = await this.store.runSegment(key, jobId, segmentIndex, frameTensors(frame), outputNames);
        return [{ type: 'run-segment-ok', id: request.id, done: result.done, computeNs: result.computeNs }, result.outputs];
      }
      case 'drop-job':
        return [{ type: 'drop-job-ok', id: request.id, dropped: this.store.dropJob(request.key, request.jobId) }, []];
    }
  }

  private reply(socket: Socket, reply: WorkerReply, tensors: readonly Tensor[]): void {
    if (socket.destroyed) return;
    let parts: Buffer[];
    try {
      parts = encodeFrame(reply, tensors, this.codec);
    } catch (err) {
      parts = encodeFrame(errorReply(reply.id, toServingError(err)), [], this.codec);
    }
    writeFrame(socket, parts);
  }
}
