// Runs an executor's calls one at a time, in arrival order, except that an urgent call waits only for the one running
// and for urgent calls that arrived before it: it goes ahead of every ordinary call still queued.

interface Entry {
  readonly urgent: boolean;
  readonly start: () => void;
}

export interface SerialQueueOptions {
  /**
   * Start the next call only after the event loop has read pending I/O (a worker: its calls block the thread, so
   * requests that arrived during one wait unread in the socket; read first, an urgent one among them can go next).
   * Default false: the next call starts as soon as the previous one settles.
   */
  readonly readBeforeNext?: boolean;
}

export class SerialQueue {
  private readonly queued: Entry[] = [];
  /** A call is running, or one has settled and the next is about to start. */
  private running = false;

  constructor(private readonly options: SerialQueueOptions = {}) {}

  /** Calls waiting, not counting the one running. */
  get waiting(): number {
    return this.queued.length;
  }

  /** Queues `fn`; settles as it does. `urgent` puts it ahead of the ordinary calls still waiting. */
  push<T>(fn: () => Promise<T>, urgent = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: Entry = {
        urgent,
        start: () => {
          let result: Promise<T>;
          try {
            result = fn();
          } catch (err) {
            result = Promise.reject(err as Error);
          }
          // The next call is under way before this one's caller resumes: a call the caller then queues waits behind it.
          result.then(
            (value) => {
              this.release();
              resolve(value);
            },
            (err: unknown) => {
              this.release();
              reject(err);
            },
          );
        },
      };
      const at = urgent ? this.queued.findIndex((e) => !e.urgent) : -1;
      if (at === -1) this.queued.push(entry);
      else this.queued.splice(at, 0, entry);
      if (!this.running) this.next();
    });
  }

  private release(): void {
    if (this.options.readBeforeNext === true) setImmediate(() => this.next());
    else this.next();
  }

  private next(): void {
    const entry = this.queued.shift();
    this.running = entry !== undefined;
    entry?.start();
  }
}
