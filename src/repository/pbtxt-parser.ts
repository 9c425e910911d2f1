// Parser for the protobuf text format as Triton's config.pbtxt uses it, into a schema-less tree.
// Hand-written recursive descent: npm has no well-kept text-format parser, and protobufjs reads only .proto and
// binary/JSON messages. Without a schema, a field is a message when its value is `{...}`/`<...>`, else a scalar;
// repeated keys and `[a, b]` lists both become one PbField per element, as protobuf itself treats them.

import { ServingError } from '../core/errors.js';

export type PbScalar =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  /** Enum names and booleans as written (TYPE_FP32, KIND_CPU, true). */
  | { readonly kind: 'identifier'; readonly value: string };

export interface PbMessage {
  readonly kind: 'message';
  readonly fields: readonly PbField[];
}

export type PbValue = PbScalar | PbMessage;

export interface PbField {
  readonly name: string;
  readonly value: PbValue;
  /** 1-based position for error messages: of the field name, or of the element within a `[...]` list. */
  readonly line: number;
  readonly column: number;
}

type TokenKind = 'ident' | 'number' | 'string' | 'punct' | 'eof';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** Decoded value of a string token. */
  readonly value: string;
  readonly line: number;
  readonly column: number;
}

const PUNCT = new Set([':', '{', '}', '<', '>', '[', ']', ',', ';', '-']);
// Sticky regexes match at `lastIndex`, so the lexer never copies the rest of the input.
const IDENT = /[A-Za-z_][A-Za-z0-9_.]*/y;
const NUMBER = /(0[xX][0-9a-fA-F]+|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fF]?)(?![A-Za-z0-9_.])/y;
const NUMBER_START = /[0-9.]/;
const IDENT_OR_DIGITS = /[A-Za-z0-9_.+-]+/y;
const SIMPLE_ESCAPES: Record<string, number> = {
  n: 10,
  t: 9,
  r: 13,
  a: 7,
  b: 8,
  f: 12,
  v: 11,
  '\\': 92,
  "'": 39,
  '"': 34,
  '?': 63,
};
const NON_FINITE: Record<string, number> = { inf: Infinity, infinity: Infinity, nan: NaN };

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Parse a text-format message. `source` (e.g. "densenet/config.pbtxt") prefixes error positions. */
export function parsePbtxt(text: string, source = 'pbtxt'): PbMessage {
  return new Parser(text, source).parseTop();
}

/** All values of a field, in order (a repeated field yields several). */
export function fieldsNamed(msg: PbMessage, name: string): PbField[] {
  return msg.fields.filter((f) => f.name === name);
}

class Parser {
  private pos = 0;
  private line = 1;
  private column = 1;
  private tok: Token;

  constructor(
    private readonly text: string,
    private readonly source: string,
  ) {
    this.tok = this.lex();
  }

  parseTop(): PbMessage {
    const msg = this.parseFields(undefined);
    if (this.tok.kind !== 'eof') throw this.error(this.tok, `unexpected '${this.tok.text}'`);
    return msg;
  }

  /** Fields up to `close` (or end of input at top level). */
  private parseFields(close: string | undefined): PbMessage {
    const fields: PbField[] = [];
    for (;;) {
      const t = this.tok;
      if (close !== undefined && this.isPunct(close)) break;
      if (t.kind === 'eof') {
        if (close !== undefined) throw this.error(t, `expected '${close}' before end of input`);
        break;
      }
      if (t.kind !== 'ident') throw this.error(t, `expected a field name, found '${t.text}'`);
      this.next();
      this.parseFieldValue(t, fields);
      if (this.isPunct(',') || this.isPunct(';')) this.next();
    }
    return { kind: 'message', fields };
  }

  private parseFieldValue(nameTok: Token, into: PbField[]): void {
    const colon = this.isPunct(':');
    if (colon) this.next();
    const push = (value: PbValue, at: Token): void => {
      into.push({ name: nameTok.text, value, line: at.line, column: at.column });
    };
    if (this.isPunct('[')) {
      this.next();
      while (!this.isPunct(']')) {
        const at = this.tok;
        push(this.parseValue(true), at);
        if (this.isPunct(',')) this.next();
        else if (!this.isPunct(']')) throw this.error(this.tok, `expected ',' or ']', found '${this.tok.text}'`);
      }
      this.next();
      return;
    }
    if (!colon && !this.isPunct('{') && !this.isPunct('<')) {
      throw this.error(this.tok, `expected ':' or '{' after '${nameTok.text}', found '${this.tok.text}'`);
    }
    push(this.parseValue(colon), nameTok);
  }

  private parseValue(scalarAllowed: boolean): PbValue {
    const t = this.tok;
    if (this.isPunct('{') || this.isPunct('<')) {
      const close = t.text === '{' ? '}' : '>';
      this.next();
      const msg = this.parseFields(close);
      this.next();
      return msg;
    }
    if (!scalarAllowed) throw this.error(t, `expected '{', found '${t.text}'`);
    return this.parseScalar();
  }

  private parseScalar(): PbScalar {
    const t = this.tok;
    if (t.kind === 'string') {
      // Adjacent string literals concatenate, as in C.
      let value = '';
      while (this.tok.kind === 'string') {
        value += this.tok.value;
        this.next();
      }
      return { kind: 'string', value };
    }
    if (this.isPunct('-')) {
      this.next();
      const after = this.tok;
      const n = after.kind === 'number' || after.kind === 'ident' ? this.parseScalar() : undefined;
      if (n?.kind === 'number') return { kind: 'number', value: -n.value };
      throw this.error(t, `expected a number after '-'`);
    }
    if (t.kind === 'number') {
      this.next();
      const hex = /^0[xX]/.test(t.text);
      return { kind: 'number', value: hex ? parseInt(t.text, 16) : Number(t.text.replace(/[fF]$/, '')) };
    }
    if (t.kind === 'ident') {
      this.next();
      const nonFinite = NON_FINITE[t.text.toLowerCase()];
      if (nonFinite !== undefined) return { kind: 'number', value: nonFinite };
      return { kind: 'identifier', value: t.text };
    }
    throw this.error(t, `expected a value, found '${t.text}'`);
  }

  private isPunct(p: string): boolean {
    return this.tok.kind === 'punct' && this.tok.text === p;
  }

  private next(): void {
    this.tok = this.lex();
  }

  private error(at: { line: number; column: number }, message: string): ServingError {
    return new ServingError('INVALID_ARGUMENT', `${this.source}:${at.line}:${at.column}: ${message}`);
  }

  private advance(n: number): void {
    for (let i = 0; i < n; i++) {
      if (this.text[this.pos] === '\n') {
        this.line++;
        this.column = 1;
      } else {
        this.column++;
      }
      this.pos++;
    }
  }

  private lex(): Token {
    this.skipBlanks();
    const start = { line: this.line, column: this.column };
    const c = this.text[this.pos];
    const token = (kind: TokenKind, text: string): Token => {
      this.advance(text.length);
      return { kind, text, value: text, ...start };
    };
    if (c === undefined) return { kind: 'eof', text: 'end of input', value: '', ...start };
    if (c === '"' || c === "'") return this.lexString(c, start);
    if (NUMBER_START.test(c)) {
      const num = this.match(NUMBER);
      if (num === undefined) throw this.error(start, `malformed number '${this.match(IDENT_OR_DIGITS) ?? c}'`);
      return token('number', num);
    }
    const ident = this.match(IDENT);
    if (ident !== undefined) return token('ident', ident);
    if (PUNCT.has(c)) return token('punct', c);
    throw this.error(start, `unexpected character '${c}'`);
  }

  private match(re: RegExp): string | undefined {
    re.lastIndex = this.pos;
    return re.exec(this.text)?.[0];
  }

  private skipBlanks(): void {
    for (;;) {
      const c = this.text[this.pos];
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\f' || c === '\v') this.advance(1);
      else if (c === '#') while (this.pos < this.text.length && this.text[this.pos] !== '\n') this.advance(1);
      else return;
    }
  }

  /** A quoted string; escapes produce bytes (protobuf strings are bytes), decoded as UTF-8 at the end. */
  private lexString(quote: string, start: { line: number; column: number }): Token {
    const begin = this.pos;
    this.advance(1);
    const bytes: number[] = [];
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined || c === '\n') throw this.error(start, 'unterminated string');
      if (c === quote) {
        this.advance(1);
        break;
      }
      if (c !== '\\') {
        const cp = this.text.codePointAt(this.pos) as number;
        const ch = String.fromCodePoint(cp);
        bytes.push(...utf8.encode(ch));
        this.advance(ch.length);
        continue;
      }
      this.readEscape(bytes);
    }
    const text = this.text.slice(begin, this.pos);
    return { kind: 'string', text, value: utf8Decoder.decode(new Uint8Array(bytes)), ...start };
  }

  private readEscape(bytes: number[]): void {
    const at = { line: this.line, column: this.column };
    const e = this.text[this.pos + 1];
    if (e === undefined) throw this.error(at, 'unterminated escape');
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      bytes.push(simple);
      this.advance(2);
      return;
    }
    const digits = (re: RegExp, max: number, from: number): string => {
      let s = '';
      while (s.length < max && re.test(this.text[from + s.length] ?? '')) s += this.text[from + s.length];
      return s;
    };
    if (/[0-7]/.test(e)) {
      const oct = digits(/[0-7]/, 3, this.pos + 1);
      bytes.push(parseInt(oct, 8) & 0xff);
      this.advance(1 + oct.length);
      return;
    }
    if (e === 'x' || e === 'X') {
      const hex = digits(/[0-9a-fA-F]/, 2, this.pos + 2);
      if (hex.length === 0) throw this.error(at, `'\\x' needs hex digits`);
      bytes.push(parseInt(hex, 16));
      this.advance(2 + hex.length);
      return;
    }
    if (e === 'u' || e === 'U') {
      const want = e === 'u' ? 4 : 8;
      const hex = digits(/[0-9a-fA-F]/, want, this.pos + 2);
      const cp = parseInt(hex, 16);
      if (hex.length !== want || cp > 0x10ffff) throw this.error(at, `'\\${e}' needs ${want} hex digits`);
      bytes.push(...utf8.encode(String.fromCodePoint(cp)));
      this.advance(2 + want);
      return;
    }
    throw this.error(at, `unknown escape '\\${e}'`);
  }
}
