// Replaces one section of a Markdown file (by heading, or between marker comments), leaving the rest untouched.

/**
 * `text` with the section under `heading` (e.g. "## Validation") replaced by `heading` + `body`: the section runs
 * to the next heading of the same or a higher level. Appended at the end when there is no such heading.
 */
export function replaceHeadingSection(text: string, heading: string, body: string): string {
  const level = /^#+/.exec(heading)?.[0].length ?? 2;
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trimEnd() === heading);
  const section = `${heading}\n\n${body.trim()}\n`;
  if (start < 0) return `${text.trimEnd()}\n\n${section}`;
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    const m = /^(#+)\s/.exec(lines[i] as string);
    if (m !== null && (m[1] as string).length <= level) {
      end = i;
      break;
    }
  }
  const before = lines.slice(0, start).join('\n');
  const after = lines.slice(end).join('\n');
  return `${before}${before === '' ? '' : '\n'}${section}${after === '' ? '' : `\n${after}`}`;
}

/**
 * `text` with everything between `<!-- name -->` and `<!-- /name -->` replaced by `body`. Without the markers the
 * block (markers included) is inserted before the line `beforeHeading` when present, else appended.
 */
export function replaceMarkedBlock(text: string, name: string, body: string, beforeHeading?: string): string {
  const open = `<!-- ${name} -->`;
  const close = `<!-- /${name} -->`;
  const block = `${open}\n${body.trim()}\n${close}`;
  const from = text.indexOf(open);
  const to = text.indexOf(close);
  if (from >= 0 && to > from) return text.slice(0, from) + block + text.slice(to + close.length);
  const lines = text.split('\n');
  const at = beforeHeading === undefined ? -1 : lines.findIndex((l) => l.trimEnd() === beforeHeading);
  if (at < 0) return `${text.trimEnd()}\n\n${block}\n`;
  return [...lines.slice(0, at), block, '', ...lines.slice(at)].join('\n');
}

/**
 * `text` with the subsection `heading` (e.g. "### Live server") replaced by `heading` + `body`. A missing subsection is
 * added at the end of the section `parentHeading` (e.g. "## Validation"), after what others wrote there; a missing
 * parent section is appended with it.
 */
export function upsertSubsection(text: string, parentHeading: string, heading: string, body: string): string {
  const lines = text.split('\n');
  if (lines.some((l) => l.trimEnd() === heading)) return replaceHeadingSection(text, heading, body);
  const parentLevel = /^#+/.exec(parentHeading)?.[0].length ?? 2;
  const start = lines.findIndex((l) => l.trimEnd() === parentHeading);
  const section = `${heading}\n\n${body.trim()}\n`;
  if (start < 0) return `${text.trimEnd()}\n\n${parentHeading}\n\n${section}`;
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    const m = /^(#+)\s/.exec(lines[i] as string);
    if (m !== null && (m[1] as string).length <= parentLevel) {
      end = i;
      break;
    }
  }
  const before = lines.slice(0, end).join('\n').trimEnd();
  const after = lines.slice(end).join('\n');
  return `${before}\n\n${section}${after === '' ? '' : `\n${after}`}`;
}
