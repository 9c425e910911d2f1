// Tests for the protobuf text-format parser: syntax coverage, the tree it returns and positioned errors.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServingError } from '../core/errors.js';
import { type PbMessage, type PbValue, fieldsNamed, parsePbtxt } from './pbtxt-parser.js';

/** The tree without positions: scalars as plain values, messages as [name, value] pairs. */
type Plain = string | number | { id: string } | [string, Plain][];
function plain(value: PbValue): Plain {
  switch (value.kind) {
    case 'string':
    case 'number':
      return value.value;
    case 'identifier':
      return { id: value.value };
    case 'message':
      return value.fields.map((f) => [f.name, plain(f.value)]);
  }
}
const parse = (text: string): Plain => plain(parsePbtxt(text));

function rejectsAt(text: string, position: string, pattern: RegExp): void {
  assert.throws(
    () => parsePbtxt(text, 'm/config.pbtxt'),
    (err: unknown) => {
      assert.ok(err instanceof ServingError);
      assert.equal(err.code, 'INVALID_ARGUMENT');
      assert.ok(err.message.startsWith(`m/config.pbtxt:${position}: `), err.message);
      assert.match(err.message, pattern);
      return true;
    },
  );
}

describe('parsePbtxt', () => {
  it('reads scalar fields of every kind', () => {
    assert.deepEqual(parse('name: "densenet" max_batch_size: 8 ratio: 0.5 kind: KIND_CPU on: true'), [
      ['name', 'densenet'],
      ['max_batch_size', 8],
      ['ratio', 0.5],
      ['kind', { id: 'KIND_CPU' }],
      ['on', { id: 'true' }],
    ]);
  });

  it('reads negative, exponent, hex, float-suffixed and non-finite numbers', () => {
    assert.deepEqual(parse('a: -1 b: 1.5e3 c: -2.5E-1 d: 0x1F e: 2f f: .5 g: -inf h: nan'), [
      ['a', -1],
      ['b', 1500],
      ['c', -0.25],
      ['d', 31],
      ['e', 2],
      ['f', 0.5],
      ['g', -Infinity],
      ['h', NaN],
    ]);
  });

  it('reads nested messages with or without a colon and with angle brackets', () => {
    assert.deepEqual(parse('a { b: 1 c: { d: 2 } } e: < f: 3 >'), [
      ['a', [['b', 1], ['c', [['d', 2]]]]],
      ['e', [['f', 3]]],
    ]);
  });

  it('flattens repeated keys and [a, b] lists into one field per element', () => {
    assert.deepEqual(parse('dims: [3, 224, 224] v: 1 v: 2 empty: []'), [
      ['dims', 3],
      ['dims', 224],
      ['dims', 224],
      ['v', 1],
      ['v', 2],
    ]);
  });

  it('reads lists of messages', () => {
    assert.deepEqual(parse('input [ { name: "a" }, { name: "b" } ] output: [{ name: "c" }]'), [
      ['input', [['name', 'a']]],
      ['input', [['name', 'b']]],
      ['output', [['name', 'c']]],
    ]);
  });

  it('skips # comments and optional , and ; separators', () => {
    const text = '# header\na: 1, # trailing\nb: "x#y"; c { d: 2; }\n# end';
    assert.deepEqual(parse(text), [
      ['a', 1],
      ['b', 'x#y'],
      ['c', [['d', 2]]],
    ]);
  });

  it('decodes strings in either quote with C escapes, byte escapes as UTF-8 and concatenation', () => {
    const text = String.raw`a: 'it\'s' b: "say \"hi\"\n\t\\" c: "\303\251\xc3\xa9\u00e9\U0001F600" d: "x" 'y'`;
    assert.deepEqual(parse(text), [
      ['a', "it's"],
      ['b', 'say "hi"\n\t\\'],
      ['c', 'ééé😀'],
      ['d', 'xy'],
    ]);
  });

  it('records the line and column of each field and of each list element', () => {
    const msg: PbMessage = parsePbtxt('a: 1\n  b {\n    c: [4,\n        5]\n  }');
    const b = fieldsNamed(msg, 'b')[0];
    assert.deepEqual([b?.line, b?.column], [2, 3]);
    assert.ok(b?.value.kind === 'message');
    const cs = fieldsNamed(b.value, 'c').map((c) => [c.line, c.column]);
    assert.deepEqual(cs, [
      [3, 9],
      [4, 9],
    ]);
  });

  it('parses an empty document to an empty message', () => {
    assert.deepEqual(parse('  # only a comment\n'), []);
  });

  it('reports an unclosed message at the end of input', () => {
    rejectsAt('a {\n  b: 1\n', '3:1', /expected '}' before end of input/);
  });

  it('reports a scalar field without a colon', () => rejectsAt('a 1', '1:3', /expected ':' or '\{' after 'a'/));
  it('reports an unterminated string where it starts', () => {
    rejectsAt('a: 1\nb: "abc\n', '2:4', /unterminated string/);
  });
  it('reports a doubled minus sign', () => rejectsAt('a: --1', '1:4', /expected a number after '-'/));
  it('reports an unknown escape', () => rejectsAt('a: "\\q"', '1:5', /unknown escape '\\q'/));
  it('reports a malformed number', () => rejectsAt('a: 12ab', '1:4', /malformed number '12ab'/));
  it('reports an unexpected character', () => rejectsAt('a: 1\n  @', '2:3', /unexpected character '@'/));
  it('reports a stray closing brace', () => rejectsAt('a: 1 }', '1:6', /expected a field name, found '}'/));
  it('reports a missing list separator', () => rejectsAt('a: [1 2]', '1:7', /expected ',' or ']'/));
  it('reports a minus sign before a non-number', () => rejectsAt('a: -"x"', '1:4', /expected a number after '-'/));
  it('reports a colon with no value after it', () => rejectsAt('a { b: }', '1:8', /expected a value/));
});
