// Parses target strings: `app:<name>`, `task:<task>` or `model:<name>[@version]`.

import { ServingError } from '../core/errors.js';
import type { Target } from './load-spec.js';

export function parseTarget(text: string, where = 'target'): Target {
  const colon = text.indexOf(':');
  const kind = colon < 0 ? '' : text.slice(0, colon);
  const rest = text.slice(colon + 1);
  const fail = (why: string): never => {
    throw new ServingError('INVALID_ARGUMENT', `${where}: ${why} (expected app:<name>, task:<task> or model:<name>[@version], got '${text}')`);
  };
  if (rest === '') fail('missing name');
  switch (kind) {
    case 'app':
    case 'task':
      return { kind, name: rest };
    case 'model': {
      const at = rest.lastIndexOf('@');
      if (at < 0) return { kind, name: rest };
      if (at === 0 || at === rest.length - 1) fail('empty model name or version');
      return { kind, name: rest.slice(0, at), version: rest.slice(at + 1) };
    }
    default:
      return fail(`unknown kind '${kind}'`);
  }
}

export function formatTarget(t: Target): string {
  return t.kind === 'model' && t.version !== undefined ? `model:${t.name}@${t.version}` : `${t.kind}:${t.name}`;
}
