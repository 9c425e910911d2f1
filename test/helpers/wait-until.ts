// Polls a condition until it holds, failing with a message after a deadline (never waits forever).

import { setTimeout as sleep } from 'node:timers/promises';

const POLL_INTERVAL_MS = 25;

export async function waitUntil(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(POLL_INTERVAL_MS);
  }
}
