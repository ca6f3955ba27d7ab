/**
 * The code-generation backend: writes a compiled expression as one JavaScript function, built once
 * with `new Function`, instead of running its tree of closures. Each node's `emit` writes what its
 * closure does (same order of evaluation, same helpers, same try/catch extents, so the same results
 * and errors); a node without one is called as its closure, with a frame. One function per
 * expression also gives V8 call sites that see one shape each, where the shared closures see all.
 *
 * Security: the source is made of fixed templates and generated names only (t0, k3, ...). Every value
 * from the expression (strings, numbers, regexes, sets, functions, positions) is captured in an array
 * and bound to a name; `isGeneratedSourceSafe` checks this before the source is compiled.
 */
import type { Compiled, Emitter } from './compile-types.js';
import { locate } from './errors.js';

export type GeneratedRun = (env: Readonly<Record<string, unknown>>) => unknown;

export interface Generated {
  run: GeneratedRun;
  /** The generated source, for tests and inspection. */
  code: string;
}

const NO_ENV: Readonly<Record<string, unknown>> = Object.freeze({});

class SourceWriter implements Emitter {
  readonly env = 'env';
  /** A node without `emit` was called as a closure: the function needs a frame. */
  usesFrame = false;
  readonly captured: unknown[] = [];
  private readonly names = new Map<unknown, string>();
  private temps = 0;
  private out: string[] = [];
  /** Reads emitted so far, by key, per enclosing block (innermost last). */
  private readonly reads: Map<string, string>[] = [new Map()];

  value(c: Compiled): string {
    if (c.constant) return this.literal(c.value);
    if (c.emit !== undefined) return c.emit(this);
    this.usesFrame = true;
    const v = this.assign(`${this.constant(c.ev)}(f)`);
    this.forget();
    return v;
  }

  private literal(v: unknown): string {
    if (v === true) return 'true';
    if (v === false) return 'false';
    if (v === null) return 'null';
    if (v === undefined) return 'undefined';
    return this.constant(v);
  }

  constant(v: unknown): string {
    // -0 and 0 are one key of a Map: -0 gets a name of its own.
    const shared = !Object.is(v, -0);
    if (shared) {
      const known = this.names.get(v);
      if (known !== undefined) return known;
    }
    const name = `k${this.captured.length}`;
    this.captured.push(v);
    if (shared) this.names.set(v, name);
    return name;
  }

  temp(): string {
    return `t${this.temps++}`;
  }

  assign(code: string): string {
    const t = this.temp();
    this.out.push(`${t} = ${code};`);
    return t;
  }

  line(code: string): void {
    this.out.push(code);
  }

  block(body: () => void): string {
    // What a block reads is known only inside it (it may not run); see `reuse`.
    this.reads.push(new Map());
    try {
      return this.straight(body);
    } finally {
      this.reads.pop();
    }
  }

  /** A block that runs to its end whenever the code after it runs (a try whose catch rethrows). */
  private straight(body: () => void): string {
    const saved = this.out;
    this.out = [];
    try {
      body();
      return `\n${this.out.join('\n')}\n`;
    } finally {
      this.out = saved;
    }
  }

  reuse(key: string, read: () => string): string {
    for (let i = this.reads.length - 1; i >= 0; i--) {
      const known = this.reads[i].get(key);
      if (known !== undefined) return known;
    }
    const atom = read();
    this.reads[this.reads.length - 1].set(key, atom);
    return atom;
  }

  forget(): void {
    for (const scope of this.reads) scope.clear();
  }

  located(pos: number, body: () => string): string {
    const t = this.temp();
    const inner = this.straight(() => {
      const code = body();
      this.line(`${t} = ${code};`);
    });
    this.line(`try {${inner}} catch (e) {\nthrow ${this.constant(locate)}(e, ${this.constant(pos)});\n}`);
    return t;
  }

  statements(): string {
    return this.out.join('\n');
  }

  locals(): string {
    if (this.temps === 0) return '';
    return `let ${Array.from({ length: this.temps }, (_, i) => `t${i}`).join(', ')};`;
  }
}

const USE_STRICT = "'use strict';";
/** The only quoted text a generated function contains: the names `typeof` yields, and ''. */
const QUOTED = new Set(['string', 'number', 'object', 'boolean', 'function', '']);
/** Every word a template may write; generated names are t<n> and k<n>. */
const WORDS = new Set([
  'K', 'env', 'f', 'e', 'idle', 'slots', 'let', 'const', 'return', 'function', 'try', 'catch', 'finally',
  'throw', 'if', 'else', 'typeof', 'new', 'Array', 'null', 'true', 'false', 'undefined', 'has', 'test',
  'includes', 'startsWith', 'endsWith',
]);
const GENERATED_NAME = /^[tk](?:0|[1-9][0-9]*)$/;
const PUNCTUATION = new Set(Array.from(' \n(){}[];,.=!<>&|?:+-*%', (ch) => ch.charCodeAt(0)));

function isWordStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isWordPart(c: number): boolean {
  return isWordStart(c) || (c >= 48 && c <= 57);
}

/**
 * The generated source holds no text of the expression: no quoted text but `typeof` names, no
 * number, comment, escape or regex literal, and no word but the templates' words and generated
 * names. (One pass over the source: the hub's largest expressions generate ~350 kB.)
 */
export function isGeneratedSourceSafe(code: string): boolean {
  if (!code.startsWith(USE_STRICT)) return false;
  const n = code.length;
  let i = USE_STRICT.length;
  while (i < n) {
    const c = code.charCodeAt(i);
    if (isWordStart(c)) {
      let j = i + 1;
      while (j < n && isWordPart(code.charCodeAt(j))) j++;
      const word = code.slice(i, j);
      if (!WORDS.has(word) && !GENERATED_NAME.test(word)) return false;
      i = j;
    } else if (c === 39) {
      const end = code.indexOf("'", i + 1);
      if (end < 0 || !QUOTED.has(code.slice(i + 1, end))) return false;
      i = end + 1;
    } else if (c === 47) {
      // Division only: no comment, no regex literal (the templates never write one).
      const next = code.charCodeAt(i + 1);
      if (next === 47 || next === 42) return false;
      i++;
    } else if (PUNCTUATION.has(c)) i++;
    else return false;
  }
  return true;
}

type Factory = (captured: readonly unknown[]) => GeneratedRun;

/**
 * Generates the function of a compiled expression whose root can be emitted; null when it cannot
 * (no emitter at the root, a tree too deep for the generator or for V8's parser).
 * `fail` turns whatever evaluation throws into the error `run` throws.
 */
export function generate(root: Compiled, slotCount: number, fail: (err: unknown) => Error): Generated | null {
  if (root.constant || root.emit === undefined) return null;
  const w = new SourceWriter();
  let result: string;
  let body: string;
  try {
    result = w.value(root);
    body = w.statements();
  } catch (err) {
    if (err instanceof RangeError) return null;
    throw err;
  }
  const kFail = w.constant(fail);
  const ret = `return ${result} === undefined ? null : ${result};`;
  let fn: string;
  if (w.usesFrame) {
    // A frame reused between runs, as CompiledExpression does; a re-entrant run gets its own.
    const kNoEnv = w.constant(NO_ENV);
    const kSlots = w.constant(slotCount);
    fn = [
      `let idle = { env: ${kNoEnv}, slots: new Array(${kSlots}) };`,
      'return function (env) {',
      w.locals(),
      'let f = idle;',
      `if (f === null) f = { env: env, slots: new Array(${kSlots}) };`,
      'else { idle = null; f.env = env; }',
      'try {',
      body,
      ret,
      `} catch (e) {\nthrow ${kFail}(e);\n} finally {\nf.env = ${kNoEnv};\nidle = f;\n}`,
      '};',
    ].join('\n');
  } else {
    fn = ['return function (env) {', w.locals(), 'try {', body, ret, `} catch (e) {\nthrow ${kFail}(e);\n}`, '};'].join('\n');
  }
  const code = `${USE_STRICT}\n${declareCaptured(w.captured.length)}\n${fn}`;
  if (!isGeneratedSourceSafe(code)) return null;
  let factory: Factory;
  try {
    factory = new Function('K', code) as Factory;
  } catch {
    // V8's parser can refuse what is too deeply nested; the closures then run the expression.
    return null;
  }
  return { run: factory(w.captured), code };
}

/** `const k0 = K[0], ...` without numeric literals: the captured array is read in order. */
function declareCaptured(n: number): string {
  if (n === 0) return '';
  const names = Array.from({ length: n }, (_, i) => `k${i}`);
  return `const [${names.join(', ')}] = K;`;
}
