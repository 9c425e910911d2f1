// Unit tests of the Markdown section replacement used to write the validation into shared documents.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replaceHeadingSection, replaceMarkedBlock, upsertSubsection } from './markdown-section.js';

describe('replaceHeadingSection', () => {
  it('replaces only the named section, up to the next heading of the same level', () => {
    const text = '# Title\n\nintro\n\n## Validation\n\nold\n\n### detail\n\nold too\n\n## Other\n\nkept\n';
    const out = replaceHeadingSection(text, '## Validation', 'new');
    assert.equal(out, '# Title\n\nintro\n\n## Validation\n\nnew\n\n## Other\n\nkept\n');
  });

  it('appends the section when the heading is missing', () => {
    assert.equal(replaceHeadingSection('# Title\n', '## Validation', 'body'), '# Title\n\n## Validation\n\nbody\n');
  });

  it('replaces a section that runs to the end of the file', () => {
    assert.equal(replaceHeadingSection('# T\n\n## Validation\n\nold\n', '## Validation', 'new'), '# T\n\n## Validation\n\nnew\n');
  });
});

describe('replaceMarkedBlock', () => {
  it('replaces what lies between the markers and nothing else', () => {
    const text = 'a\n<!-- x -->\nold\n<!-- /x -->\nb\n';
    assert.equal(replaceMarkedBlock(text, 'x', 'new'), 'a\n<!-- x -->\nnew\n<!-- /x -->\nb\n');
  });

  it('inserts the block before the given heading when there are no markers', () => {
    const out = replaceMarkedBlock('## Benchmarks\n\ntext\n\n## Project layout\n\nrest\n', 'x', 'new', '## Project layout');
    assert.equal(out, '## Benchmarks\n\ntext\n\n<!-- x -->\nnew\n<!-- /x -->\n\n## Project layout\n\nrest\n');
  });

  it('appends the block when neither markers nor the heading exist', () => {
    assert.equal(replaceMarkedBlock('text\n', 'x', 'new', '## Missing'), 'text\n\n<!-- x -->\nnew\n<!-- /x -->\n');
  });
});

describe('upsertSubsection', () => {
  it('adds the subsection at the end of the parent section, keeping what others wrote there', () => {
    const text = '# T\n\n## Validation\n\ntheirs\n\n## Later\n\nkept\n';
    const out = upsertSubsection(text, '## Validation', '### Live', 'mine');
    assert.equal(out, '# T\n\n## Validation\n\ntheirs\n\n### Live\n\nmine\n\n## Later\n\nkept\n');
  });

  it('replaces the subsection on the next run and nothing else', () => {
    const text = '## Validation\n\ntheirs\n\n### Live\n\nold\n\n## Later\n';
    assert.equal(upsertSubsection(text, '## Validation', '### Live', 'new'), '## Validation\n\ntheirs\n\n### Live\n\nnew\n\n## Later\n');
  });

  it('appends parent and subsection when the parent is missing', () => {
    assert.equal(upsertSubsection('# T\n', '## Validation', '### Live', 'mine'), '# T\n\n## Validation\n\n### Live\n\nmine\n');
  });
});
