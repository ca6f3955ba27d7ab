/**
 * compileRegex: a Go RE2 expression, run with RE2's meaning in linear time. The V8 path (fast)
 * is used when the emitted JS source is accepted by V8's linear engine, which then takes over
 * from irregexp on excessive backtracking; otherwise the `re2` binding runs it. Both paths give
 * the same answers and the same group numbers (see index.ts for the differences with Go).
 *
 * Measured on Node 20.20 (safe-regex.bench.ts), per 200-character nginx line through the hub's
 * nginx grok: V8 path 3 µs, re2 binding 18 µs, V8's linear engine alone 950 µs.
 *
 * Every compiled regex also gets a literal prefilter (literal-condition.ts, literal-search.ts):
 * literals any match must contain, checked before the regex runs. Under --no-regexp-optimization
 * an unanchored alternation of literals tries every branch at every start position (µs per line);
 * the prefilter rejects most non-matching inputs in one scan (tens to hundreds of ns).
 */

// First: sets V8's flags before any regex of ours exists.
import { linearEngineRefusal } from './v8-regexp-flags.js';
import RE2 from 're2';
import { parseGoRegex, type ParsedRegex } from './go-regex-syntax.js';
import { emitJsRegex } from './js-regex-emit.js';
import { emitRe2Regex } from './re2-regex-emit.js';
import { literalCondition, prefilterTerms } from './literal-condition.js';
import { LiteralPrefilter } from './literal-search.js';
import { OptionalPrefixMatcher, optionalPrefixParts } from './optional-prefix.js';
import { HerdError } from '../core/index.js';

export type RegexEngine = 'v8' | 're2';

/**
 * What exec returns: index 0 the whole match, then groups in source order (undefined: unset).
 * A fresh array per match (callers may keep or change it).
 */
export type RegexMatch = (string | undefined)[];

export interface SafeRegex {
  /** The Go source it was compiled from. */
  readonly source: string;
  /**
   * `v8`: V8 runs inputs up to MAX_V8_INPUT_LENGTH (RE2 the longer ones, and the next inputs
   * after a slow V8 run); `re2`: RE2 runs every input.
   */
  readonly engine: RegexEngine;
  /** Why the V8 path was not possible (undefined on the V8 path). */
  readonly engineReason: string | undefined;
  /** The JS source run by V8, or the RE2 source given to the binding. */
  readonly compiledSource: string;
  readonly groupCount: number;
  /** Group names to indexes; with duplicate names, the first (leftmost) group, as Go's SubexpIndex. */
  readonly groupNames: ReadonlyMap<string, number>;
  /**
   * The literals checked before the regex runs (an input without them cannot match): `test` is
   * then false and `exec` null at once. Undefined when the expression yields none to check, or
   * when the `prefilter` option is off.
   */
  readonly prefilter: LiteralPrefilter | undefined;
  test(input: string): boolean;
  exec(input: string): RegexMatch | null;
}

export interface CompileRegexOptions {
  /**
   * `auto` (default): V8 when possible, else RE2. `re2` forces the binding; `v8-linear` runs the
   * V8 path on V8's linear engine from the first character (both to cross-check in tests).
   */
  readonly engine?: 'auto' | 're2' | 'v8-linear';
  /** Monotonic milliseconds, to notice slow V8 runs; `performance.now` by default. */
  readonly clock?: () => number;
  /**
   * Time one V8 run in this many (inputs over SAMPLE_ALWAYS_FROM characters are always timed).
   * Reading the clock twice per run costs more than a short run itself; a stream of hostile lines
   * is still caught within a few runs. Default 8; tests use 1.
   */
  readonly sampleEvery?: number;
  /** false: no literal prefilter (to compare answers and costs in tests and benchmarks). */
  readonly prefilter?: boolean;
}

const monotonicClock = (): number => performance.now();

function groupNames(parsed: ParsedRegex): Map<string, number> {
  const names = new Map<string, number>();
  for (const c of parsed.captures) if (c.name !== undefined && !names.has(c.name)) names.set(c.name, c.index);
  return names;
}

/**
 * Inputs longer than this run on the re2 binding even when the V8 path exists. V8 stays linear,
 * but its fallback engine is slow per character (up to about 8 µs per character for the largest
 * library patterns: 32 ms for HAPROXYHTTPBASE on 4096 digits, where RE2's DFA needs 10 µs), while
 * on ordinary long lines V8 remains much the faster (a 3300-character nginx line: 11 µs on V8,
 * 260 µs on RE2). 4096 covers nearly every log line.
 */
export const MAX_V8_INPUT_LENGTH = 4096;

/**
 * An irregexp run slower than this (ms) means the linear engine took over, or the process was
 * paused (GC, scheduler). Two such runs within SLOW_RUN_WINDOW runs send the next
 * RE2_RUNS_AFTER_SLOW_EXEC inputs to RE2: a stream of hostile lines then pays two slow V8 runs
 * per 10 000 lines and RE2's price for the others, while a lone pause changes nothing. Ordinary
 * lines take microseconds, far below it.
 */
export const SLOW_V8_EXEC_MS = 0.5;
export const SAMPLE_ALWAYS_FROM = 512;
export const DEFAULT_SAMPLE_EVERY = 8;
export const SLOW_RUN_WINDOW = 100;
export const RE2_RUNS_AFTER_SLOW_EXEC = 10_000;

function newRe2(source: string, re2Source: string): RE2 {
  try {
    return new RE2(re2Source);
  } catch (err) {
    throw new HerdError(
      'HERD_REGEX_SYNTAX',
      `invalid regular expression: RE2 refuses \`${source.slice(0, 120)}\`: ${err instanceof Error ? err.message : String(err)}; ` +
        'simplify the expression (unknown \\p{…} name, or too large)',
      { cause: err },
    );
  }
}

abstract class BaseRegex implements SafeRegex {
  abstract readonly engine: RegexEngine;
  readonly source: string;
  readonly groupCount: number;
  readonly groupNames: ReadonlyMap<string, number>;

  constructor(
    parsed: ParsedRegex,
    readonly compiledSource: string,
    readonly engineReason: string | undefined,
    readonly prefilter: LiteralPrefilter | undefined,
  ) {
    this.source = parsed.source;
    this.groupCount = parsed.groupCount;
    this.groupNames = groupNames(parsed);
  }

  /**
   * Log fields repeat (user agents, paths, statuses): the answer for a short input is remembered,
   * so a filter's regex runs once per distinct value rather than once per line. The memory is
   * bounded (cleared when full), and only short inputs are kept.
   */
  private readonly answers = new Map<string, boolean>();

  // Hot path: the prefilter comes before the cache, whose lookup hashes the whole input.
  test(input: string): boolean {
    const prefilter = this.prefilter;
    if (prefilter !== undefined && !prefilter.mayMatch(input)) return false;
    if (input.length > MAX_REMEMBERED_INPUT) return this.testUncached(input);
    const known = this.answers.get(input);
    if (known !== undefined) return known;
    const found = this.testUncached(input);
    if (this.answers.size >= MAX_REMEMBERED_ANSWERS) this.answers.clear();
    this.answers.set(input, found);
    return found;
  }

  exec(input: string): RegexMatch | null {
    const prefilter = this.prefilter;
    if (prefilter !== undefined && !prefilter.mayMatch(input)) return null;
    return this.execRegex(input);
  }

  protected abstract testUncached(input: string): boolean;
  protected abstract execRegex(input: string): RegexMatch | null;
}

/** Inputs up to this length have their `test` answer remembered, up to this many per regex. */
export const MAX_REMEMBERED_INPUT = 512;
export const MAX_REMEMBERED_ANSWERS = 4096;

/**
 * The V8 path. RE2 (built on first need) takes inputs longer than MAX_V8_INPUT_LENGTH, and the
 * next RE2_RUNS_AFTER_SLOW_EXEC inputs after two runs slower than SLOW_V8_EXEC_MS.
 */
abstract class V8BaseRegex extends BaseRegex {
  readonly engine = 'v8';
  private readonly re: RegExp;
  /** Runs counted for sampling the clock (see CompileRegexOptions.sampleEvery). */
  private sampled = 0;
  private readonly sampleEvery: number;
  /** undefined: not built yet; null: RE2 refused it, so V8 (linear anyway) keeps every input. */
  private re2: RE2 | null | undefined;
  /** How many coming inputs go to RE2 because of recent slow runs. */
  private re2Runs = 0;
  /** V8 runs so far, and the number of the last slow one. */
  private v8Runs = 0;
  private lastSlowRun = -SLOW_RUN_WINDOW - 1;
  /** For `(X c)?rest…` expressions: the faster match at position 0 (optional-prefix.ts). */
  private readonly atStart: OptionalPrefixMatcher | undefined;

  constructor(
    parsed: ParsedRegex,
    jsSource: string,
    flags: string,
    private readonly re2Source: string,
    /** Undefined in `v8-linear` mode: every input then stays on V8. */
    private readonly clock: (() => number) | undefined,
    prefilter: LiteralPrefilter | undefined,
    sampleEvery: number,
    jsGroupCount: number,
  ) {
    super(parsed, jsSource, undefined, prefilter);
    this.sampleEvery = sampleEvery;
    this.re = new RegExp(jsSource, flags);
    const parts = optionalPrefixParts(parsed.ast, parsed.groupCount, jsSource);
    this.atStart =
      parts !== undefined && linearEngineRefusal(parts.prefix) === undefined && linearEngineRefusal(parts.rest) === undefined
        ? new OptionalPrefixMatcher(parts, jsGroupCount, flags)
        : undefined;
    if (clock !== undefined) {
      // V8 compiles a regex on its first runs (bytecode, then machine code, for one-byte and
      // two-byte strings): do it now, so that compile time is not taken for a slow run.
      for (const warmUp of ['', '', '\u0100', '\u0100']) this.re.exec(warmUp);
    }
  }

  /** RE2 when this input should go there, else null (V8). */
  private re2For(input: string): RE2 | null {
    if ((input.length <= MAX_V8_INPUT_LENGTH && this.re2Runs === 0) || this.clock === undefined) return null;
    if (this.re2Runs > 0) this.re2Runs--;
    if (this.re2 === undefined) {
      try {
        this.re2 = newRe2(this.source, this.re2Source);
      } catch {
        this.re2 = null;
      }
    }
    return this.re2;
  }

  /** Notes how long a V8 run took; repeated slow runs send the next inputs to RE2. */
  private timed(started: number, clock: () => number): void {
    this.v8Runs++;
    if (clock() - started <= SLOW_V8_EXEC_MS) return;
    if (this.v8Runs - this.lastSlowRun <= SLOW_RUN_WINDOW) this.re2Runs = RE2_RUNS_AFTER_SLOW_EXEC;
    this.lastSlowRun = this.v8Runs;
  }

  /** Whether this run is one of the timed ones. */
  private timesThis(input: string): boolean {
    if (input.length > SAMPLE_ALWAYS_FROM) return true;
    if (++this.sampled < this.sampleEvery) return false;
    this.sampled = 0;
    return true;
  }

  private runV8(input: string): RegexMatch | null {
    const clock = this.clock;
    if (clock === undefined || !this.timesThis(input)) return this.execV8(input);
    const started = clock();
    const m = this.execV8(input);
    this.timed(started, clock);
    return m;
  }

  private execV8(input: string): RegexMatch | null {
    return this.atStart?.execAtStart(input) ?? this.re.exec(input);
  }

  protected testUncached(input: string): boolean {
    const re2 = this.re2For(input);
    if (re2 !== null) return re2.test(input);
    const clock = this.clock;
    if (clock === undefined || !this.timesThis(input)) return this.re.test(input);
    const started = clock();
    const found = this.re.test(input);
    this.timed(started, clock);
    return found;
  }

  protected execRegex(input: string): RegexMatch | null {
    const re2 = this.re2For(input);
    if (re2 !== null) return re2.exec(input);
    const m = this.runV8(input);
    return m === null ? null : this.goGroups(m);
  }

  /** The JS match in Go's group numbering. */
  protected abstract goGroups(m: RegexMatch): RegexMatch;
}

/** Go groups are JS groups one to one: the exec array is returned as is. */
class V8Regex extends V8BaseRegex {
  protected goGroups(m: RegexMatch): RegexMatch {
    return m;
  }
}

/** Some Go groups have several JS copies: the value is the last copy that is set. */
class V8CopiedGroupsRegex extends V8BaseRegex {
  /** For Go group g: JS groups `copyIndex[copyStart[g] .. copyStart[g + 1])`, in source order. */
  private readonly copyStart: Int32Array;
  private readonly copyIndex: Int32Array;

  constructor(
    parsed: ParsedRegex,
    jsSource: string,
    flags: string,
    re2Source: string,
    clock: (() => number) | undefined,
    prefilter: LiteralPrefilter | undefined,
    sampleEvery: number,
    jsGroupCount: number,
    copies: readonly (readonly number[])[],
  ) {
    super(parsed, jsSource, flags, re2Source, clock, prefilter, sampleEvery, jsGroupCount);
    this.copyStart = new Int32Array(parsed.groupCount + 2);
    const flat: number[] = [];
    for (let g = 1; g <= parsed.groupCount; g++) {
      this.copyStart[g] = flat.length;
      flat.push(...copies[g]);
    }
    this.copyStart[parsed.groupCount + 1] = flat.length;
    this.copyIndex = Int32Array.from(flat);
  }

  protected goGroups(m: RegexMatch): RegexMatch {
    const n = this.groupCount;
    const out = new Array<string | undefined>(n + 1);
    out[0] = m[0];
    for (let g = 1; g <= n; g++) {
      let value: string | undefined;
      for (let i = this.copyStart[g + 1] - 1; i >= this.copyStart[g]; i--) {
        value = m[this.copyIndex[i]];
        if (value !== undefined) break;
      }
      out[g] = value;
    }
    return out;
  }
}

class Re2Regex extends BaseRegex {
  readonly engine = 're2';
  private readonly re: RE2;

  constructor(parsed: ParsedRegex, re2Source: string, reason: string, prefilter: LiteralPrefilter | undefined) {
    super(parsed, re2Source, reason, prefilter);
    this.re = newRe2(parsed.source, re2Source);
  }

  protected testUncached(input: string): boolean {
    return this.re.test(input);
  }

  protected execRegex(input: string): RegexMatch | null {
    return this.re.exec(input);
  }
}

/** Builds the SafeRegex for an already parsed expression (grok uses it on its rewritten AST). */
export function compileParsedRegex(parsed: ParsedRegex, options: CompileRegexOptions = {}): SafeRegex {
  const prefilter = options.prefilter === false ? undefined : buildPrefilter(parsed);
  let reason = 'the re2 engine was asked for';
  if (options.engine !== 're2') {
    const js = emitJsRegex(parsed.ast, parsed.groupCount);
    if (js.ok) {
      const refusal = linearEngineRefusal(js.source);
      if (refusal === undefined) {
        const identity = js.jsGroupCount === parsed.groupCount && js.copies.every((c, g) => g === 0 || (c.length === 1 && c[0] === g));
        const linear = options.engine === 'v8-linear';
        const flags = linear ? 'l' : '';
        const re2Source = emitRe2Regex(parsed.ast);
        const clock = linear ? undefined : (options.clock ?? monotonicClock);
        const every = Math.max(1, options.sampleEvery ?? DEFAULT_SAMPLE_EVERY);
        return identity
          ? new V8Regex(parsed, js.source, flags, re2Source, clock, prefilter, every, js.jsGroupCount)
          : new V8CopiedGroupsRegex(parsed, js.source, flags, re2Source, clock, prefilter, every, js.jsGroupCount, js.copies);
      }
      reason = `V8's linear engine refuses the emitted source: ${refusal}`;
    } else {
      reason = js.reason;
    }
  }
  return new Re2Regex(parsed, emitRe2Regex(parsed.ast), reason, prefilter);
}

function buildPrefilter(parsed: ParsedRegex): LiteralPrefilter | undefined {
  const condition = literalCondition(parsed.ast);
  return LiteralPrefilter.build(condition, prefilterTerms(condition));
}

/**
 * Compiles a Go RE2 regular expression for hostile input: RE2 semantics, linear time.
 * Throws HerdError HERD_REGEX_SYNTAX (a RegexSyntaxError with offset and reason) when invalid.
 */
export function compileRegex(goSource: string, options: CompileRegexOptions = {}): SafeRegex {
  return compileParsedRegex(parseGoRegex(goSource), options);
}
