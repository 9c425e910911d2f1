// Closed-loop load for end-to-end tests: N clients each send one request after another until a deadline,
// and every outcome is counted (none may hang: each request has its own timeout).

/** What one request ended as: an HTTP status with its body text, or a transport error (timeout, reset). */
export type Outcome = { readonly status: number; readonly body: string } | { readonly error: string };

export interface LoadResult {
  readonly outcomes: readonly Outcome[];
  /** Requests sent; equals outcomes.length once the load has finished. */
  readonly sent: number;
}

export interface LoadOptions {
  readonly clients: number;
  readonly durationMs: number;
  /** Per-request timeout, ms; a request still unanswered then counts as an error. */
  readonly requestTimeoutMs: number;
  /** Builds and sends request number `seq` of client `client`. */
  readonly send: (client: number, seq: number, signal: AbortSignal) => Promise<Response>;
}

export async function closedLoopLoad(o: LoadOptions): Promise<LoadResult> {
  const outcomes: Outcome[] = [];
  let sent = 0;
  const deadline = performance.now() + o.durationMs;
  const loop = async (client: number): Promise<void> => {
    for (let seq = 0; performance.now() < deadline; seq++) {
      sent++;
      try {
        const res = await o.send(client, seq, AbortSignal.timeout(o.requestTimeoutMs));
        outcomes.push({ status: res.status, body: await res.text() });
      } catch (e) {
        outcomes.push({ error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
      }
    }
  };
  await Promise.all(Array.from({ length: o.clients }, (_, c) => loop(c)));
  return { outcomes, sent };
}
