import fc from 'fast-check';
import RE2 from 're2';
import { describe, expect, it } from 'vitest';
import { isGeneratedSourceSafe } from './codegen.js';
import { compileExpr, generatedCode, type CompiledExpr } from './compile-expr.js';
import type { ExprCompileOptions, FieldReaderFactory } from './compile-types.js';
import { crowdsecHelpers } from './crowdsec-helpers.js';
import { ExprRuntimeError, ExprSyntaxError } from './errors.js';
import { createStringMap, type StringMap } from './values.js';

/**
 * The code generator against the closures: random expressions over the constructs CrowdSec content
 * uses (and some it does not, which the generated code leaves to closures), run on random
 * environments, give the same value or the same error with both backends.
 */

const regex = (s: string) => new RE2(s);

class EventLine {
  Raw: string;
  Labels: StringMap;
  constructor(raw: string, labels: StringMap) {
    this.Raw = raw;
    this.Labels = labels;
  }
}

class Event {
  Line: EventLine;
  Meta: StringMap;
  Parsed: StringMap;
  constructor(line: EventLine, meta: StringMap, parsed: StringMap) {
    this.Line = line;
    this.Meta = meta;
    this.Parsed = parsed;
  }
  GetMeta(key: string): string {
    return this.Meta[key] ?? '';
  }
  SetMeta(key: string, value: string): boolean {
    this.Meta[key] = value;
    return true;
  }
}

/** CrowdSec's helpers, and one that changes the event it is given (reads after it must see that). */
const functions = {
  ...crowdsecHelpers(),
  Touch: (e: unknown) => {
    if (e instanceof Event) e.Meta = createStringMap({ a: 'touched', log_type: e.Meta.a ?? '' });
    return true;
  },
};

const KEYS = ['a', 'b', 'log_type', 'service'];
const TEXTS = ['', 'a', 'ab', 'http', 'ssh', 'A${x}', 'é', '1.2.3.4', '10'];

const stringMapArb = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...TEXTS), { maxKeys: 4 }).map((d) => createStringMap(d));

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const jsonArb: fc.Arbitrary<Json> = fc.letrec<{ v: Json }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -3, max: 3 }),
    fc.constantFrom(0.5, -2.5, 1e21),
    fc.constantFrom(...TEXTS),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('v'), { maxKeys: 3 }),
  ),
})).v;

const valueArb: fc.Arbitrary<unknown> = fc.oneof(
  jsonArb,
  stringMapArb,
  fc.constant(undefined),
  fc.array(fc.oneof(fc.integer({ min: -2, max: 3 }), fc.constantFrom(...TEXTS), fc.constant(null)), { maxLength: 4 }),
);

const eventArb = fc
  .record({ raw: fc.constantFrom(...TEXTS), labels: stringMapArb, meta: stringMapArb, parsed: stringMapArb })
  .map(({ raw, labels, meta, parsed }) => new Event(new EventLine(raw, labels), meta, parsed));

/** Variables: evt (an event, or something else), and values of every kind; some may be missing. */
const envArb = fc.record(
  {
    evt: fc.oneof({ weight: 2, arbitrary: eventArb }, { weight: 1, arbitrary: valueArb }),
    m: fc.oneof(jsonArb, stringMapArb),
    s: fc.constantFrom(...TEXTS),
    i: fc.integer({ min: -3, max: 5 }),
    x: fc.constantFrom(2.5, -0.5, 0, 3, Number.NaN),
    arr: fc.array(fc.oneof(fc.integer({ min: -2, max: 3 }), fc.constantFrom(...TEXTS), fc.constant(null)), { maxLength: 4 }),
    v: valueArb,
  },
  { requiredKeys: ['evt', 's', 'i'] },
);

const VARIABLES = ['evt', 'm', 's', 'i', 'x', 'arr', 'v'];

const quote = (t: string): string => JSON.stringify(t);

const leafArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('0', '1', '2', '7', '2.5', '-1', 'true', 'false', 'nil', ...TEXTS.map(quote)),
  fc.constantFrom('s', 'i', 'x', 'arr', 'v', 'm', '$env.i'),
  {
    weight: 3,
    arbitrary: fc
      .constantFrom(...KEYS)
      .chain((k) =>
        fc.constantFrom(`evt.Meta.${k}`, `evt.Parsed.${k}`, `evt.Line.Labels.${k}`, `m.${k}`, `m.${k}.a`, `v.${k}`, `evt.GetMeta(${quote(k)})`),
      ),
  },
  fc.constantFrom('evt.Line.Raw', 'evt.Nope', 'arr[0]', 'arr[i]', 'arr[-1]', 's[1:]', 'arr[:i]', 'm[s]', 'v?.a?.b', 'evt?.Meta?.a'),
  fc.constantFrom('evt.SetMeta("a", s)', 'evt.SetMeta("log_type", "x")', 'Touch(evt)'),
);

const BINARY = ['==', '!=', '<', '>', '<=', '>=', '&&', '||', 'and', 'or', '+', '-', '*', '/', '%', '??', 'contains', 'startsWith', 'endsWith', 'not contains'];
const PATTERNS = ['^a', 'b$', '\\$\\{', '^[0-9.]+$', '(?i)HTTP'];
const CALLS = ['Upper', 'Lower', 'len', 'upper', 'trim', 'string', 'Atof', 'IsIPV4', 'type'];

const exprArb: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: leafArb },
    fc.tuple(fc.constantFrom('!', 'not ', '-'), tie('e')).map(([op, x]) => `${op}(${x})`),
    fc.tuple(tie('e'), fc.constantFrom(...BINARY), tie('e')).map(([a, op, b]) => `(${a}) ${op} (${b})`),
    // A constant right operand: the specialised forms (===, startsWith with a constant needle, ...).
    fc.tuple(tie('e'), fc.constantFrom('==', '!=', 'contains', 'startsWith', 'endsWith', 'not startsWith', '<', '+'), fc.constantFrom(...TEXTS.map(quote), 'nil', '1', '2.5')).map(
      ([a, op, b]) => `(${a}) ${op} ${b}`,
    ),
    fc.tuple(tie('e'), fc.constantFrom('in', 'not in'), fc.array(leafArb.filter((l) => /^(-?\d|"|true|false|nil)/.test(l)), { maxLength: 4 })).map(
      ([a, op, items]) => `(${a}) ${op} [${items.join(', ')}]`,
    ),
    fc.tuple(tie('e'), fc.constantFrom('in', 'not in'), tie('e')).map(([a, op, b]) => `(${a}) ${op} [${b}, "a"]`),
    fc.tuple(tie('e'), fc.constantFrom('in'), fc.constantFrom('m', 'v', 'arr', 's')).map(([a, op, b]) => `(${a}) ${op} ${b}`),
    fc.tuple(tie('e'), fc.constantFrom(...PATTERNS)).map(([a, p]) => `(${a}) matches ${quote(p)}`),
    fc.tuple(tie('e'), tie('e')).map(([a, p]) => `(${a}) matches (${p})`),
    fc.tuple(tie('e'), tie('e'), tie('e')).map(([c, a, b]) => `(${c}) ? (${a}) : (${b})`),
    fc.tuple(fc.constantFrom(...CALLS), tie('e')).map(([f, a]) => `${f}(${a})`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `IpInRange(${a}, ${b})`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `[${a}, ${b}]`),
    // The same read before and after something that may change the event.
    fc.tuple(leafArb, tie('e')).map(([a, b]) => `[${a}, ${b}, ${a}]`),
    fc
      .tuple(fc.constantFrom('evt.Meta.a', 'evt.Meta.log_type', 'evt.Meta', 'evt'), fc.constantFrom('evt.SetMeta("a", s)', 'Touch(evt)', 'any(arr, Touch(evt))'))
      .map(([a, b]) => `${a} == nil ? 0 : [${a}, ${b}, ${a}]`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `(${a})[${b}]`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `(${a}; ${b})`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `(let y = ${a}; y == (${b}))`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `any(arr, # == (${a})) || (${b})`),
  ),
})).e;

const STRING_MAPS = new Set(['Meta', 'Parsed']);
/** A host field reader like herd's: a direct read of the event's string maps. */
const fieldReader: FieldReaderFactory = (root, path) => {
  if (root !== 'evt' || path.length !== 2 || !STRING_MAPS.has(path[0])) return null;
  const [map, key] = path as ['Meta' | 'Parsed', string];
  return (env) => {
    const v = (env as { evt: Event }).evt[map][key];
    return v === undefined ? '' : v;
  };
};

type Outcome = { value: unknown } | { code: string; message: string; offset: number };

/** Functions (bound methods) are new objects on each read: compared by name only. */
function comparable(v: unknown): unknown {
  if (typeof v === 'function') return '<func>';
  if (Array.isArray(v)) return v.map(comparable);
  return v;
}

function outcome(expr: CompiledExpr, env: Record<string, unknown>): Outcome {
  try {
    return { value: comparable(expr.run(env)) };
  } catch (err) {
    if (!(err instanceof ExprRuntimeError)) throw err;
    return { code: err.code, message: err.message, offset: err.offset };
  }
}

function compileBoth(src: string, withReader: boolean): [CompiledExpr, CompiledExpr] | null {
  const options: ExprCompileOptions = { variables: VARIABLES, functions, regex, ...(withReader ? { fieldReader } : {}) };
  try {
    return [compileExpr(src, options), compileExpr(src, { ...options, backend: 'closures' })];
  } catch (err) {
    if (err instanceof ExprSyntaxError) return null;
    throw err;
  }
}

describe('the generated function and the closures agree', () => {
  it('give the same value or the same error on random expressions and environments', () => {
    let generated = 0;
    let runs = 0;
    fc.assert(
      fc.property(exprArb, fc.array(envArb, { minLength: 1, maxLength: 4 }), fc.boolean(), (src, envs, withReader) => {
        const pair = compileBoth(src, withReader);
        if (pair === null) return;
        const [gen, clo] = pair;
        expect(gen.resultKind, src).toBe(clo.resultKind);
        const code = generatedCode(gen);
        if (code !== null) {
          generated++;
          expect(isGeneratedSourceSafe(code)).toBe(true);
        }
        for (const env of envs) {
          runs++;
          // Each backend runs on its own copy: a method call may change the event.
          const a = outcome(gen, structuredCloneEnv(env));
          const b = outcome(clo, structuredCloneEnv(env));
          expect(a, `${src}\n${code ?? ''}`).toEqual(b);
        }
      }),
      { seed: 20260601, numRuns: 3000 },
    );
    // The generator must actually be exercised, not skipped.
    expect(generated).toBeGreaterThan(1500);
    expect(runs).toBeGreaterThan(3000);
  });
});

/** A copy with the same classes (the generator's environments hold Event and StringMap objects). */
function structuredCloneEnv(env: Record<string, unknown>): Record<string, unknown> {
  const copy = (v: unknown): unknown => {
    if (v instanceof Event) return new Event(new EventLine(v.Line.Raw, copy(v.Line.Labels) as StringMap), copy(v.Meta) as StringMap, copy(v.Parsed) as StringMap);
    if (Array.isArray(v)) return v.map(copy);
    if (v !== null && typeof v === 'object') {
      const proto = Object.getPrototypeOf(v) as unknown;
      const out = proto === Object.prototype || proto === null ? ({} as Record<string, unknown>) : createStringMap();
      for (const k of Object.keys(v)) (out as Record<string, unknown>)[k] = copy((v as Record<string, unknown>)[k]);
      return out;
    }
    return v;
  };
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(env)) out[k] = copy(env[k]);
  return out;
}
