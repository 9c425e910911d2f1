// Writes the validation table into docs/perfmodel.md (a subsection of "## Validation") and a summary block into the README.

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceMarkedBlock, upsertSubsection } from './markdown-section.js';

export const COMMAND = 'npm run bench:perfmodel';
const DOC_SECTION = '## Validation';
/** The perfmodel author writes the rest of the Validation section (unit and Monte-Carlo checks); this run owns only this. */
const DOC_HEADING = `### Live server (\`${COMMAND}\`)`;
const README_BLOCK = 'perfmodel-validation';
const README_BEFORE = '## Project layout';
const NEW_DOC = '# Performance models\n';

export interface ValidationDocs {
  /** Body of docs/perfmodel.md's live-server subsection of Validation (Markdown, without the heading). */
  readonly docSection: string;
  /** The README block (Markdown). */
  readonly readmeBlock: string;
}

async function readOr(path: string, fallback: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return fallback;
  }
}

export async function writeValidationDocs(root: string, docs: ValidationDocs): Promise<{ doc: string; readme: string }> {
  const doc = join(root, 'docs', 'perfmodel.md');
  const readme = join(root, 'README.md');
  await writeFile(doc, upsertSubsection(await readOr(doc, NEW_DOC), DOC_SECTION, DOC_HEADING, docs.docSection));
  const readmeText = await readOr(readme, '');
  await writeFile(readme, replaceMarkedBlock(readmeText, README_BLOCK, docs.readmeBlock, README_BEFORE));
  return { doc, readme };
}
