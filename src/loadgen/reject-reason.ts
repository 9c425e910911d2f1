// Turns a server's reject message into a report key: numbers folded to N so "predicted 73 ms" and "predicted 81 ms" group.

const MAX_REASON_CHARS = 120;

export function rejectReasonKey(message: string): string {
  const folded = message.replace(/-?\d+(\.\d+)?(e[+-]?\d+)?/gi, 'N').replace(/\s+/g, ' ').trim();
  if (folded === '') return 'unspecified';
  return folded.length > MAX_REASON_CHARS ? `${folded.slice(0, MAX_REASON_CHARS)}…` : folded;
}
