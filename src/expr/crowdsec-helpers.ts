/**
 * CrowdSec's expression helpers (pkg/exprhelpers): strings, URLs, IPs, JSON, key=value, XML, time,
 * and, when their state is given, the data-file helpers (DataFiles) and the stash (Stash). Each keeps
 * CrowdSec's results on bad input (Atof gives 0, IpInRange false, PathUnescape the input...). Helpers
 * that read time take the clock given here.
 */
import { hostname as osHostname } from 'node:os';
import { systemClock, type Clock } from '../core/index.js';
import { ipInRange, ipToRange, isIP, isIPv4, isIPv6 } from '../ip/index.js';
import { fault } from './errors.js';
import { goSprintf } from './go-sprintf.js';
import { GoDuration } from './go-duration.js';
import { goMarshalJSON } from './go-json.js';
import { parseGoFloat } from './go-number.js';
import {
  goFields,
  goIndex,
  goIndexAny,
  goReplace,
  goSplit,
  goToLower,
  goToUpper,
  goTrim,
  goTrimLeft,
  goTrimPrefix,
  goTrimRight,
  goTrimSpace,
  goTrimSuffix,
} from './go-strings.js';
import { GO_LAYOUTS, GoTime } from './go-time.js';
import {
  crowdsecParseQuery,
  goParseQuery,
  goPathEscape,
  goPathUnescape,
  goQueryEscape,
  goQueryUnescape,
  rawQueryOf,
} from './go-url.js';
import { decodeStdBase64 } from './builtins-text.js';
import type { DataFiles } from './data-files.js';
import { jsonHelpers } from './json-helpers.js';
import { kvHelpers } from './kv-helpers.js';
import type { Stash } from './stash.js';
import { xmlHelpers } from './xml-helpers.js';
import { equal } from './value-ops.js';
import { goTypeOf, isGoMap, pureFunction, withResultKind, type ExprFunction } from './values.js';

export interface CrowdsecHelperDeps {
  /** The clock TimeNow reads; the system clock when absent. */
  clock?: Clock;
  /** Where LogInfo writes (its message already formatted as Go's Sprintf does); dropped when absent. */
  logInfo?: (message: string) => void;
  /** What Hostname returns; the OS host name when absent. */
  hostname?: () => string;
  /** The loaded data files: adds File, RegexpInFile, FileMap and LookupFile. */
  dataFiles?: DataFiles;
  /** The stash of parser nodes: adds GetFromStash and SetInStash. */
  stash?: Stash;
}

function str(name: string, args: readonly unknown[], i: number): string {
  const v = args[i];
  if (typeof v === 'string') return v;
  throw fault(`cannot use ${goTypeOf(v)} as argument (type string) to call ${name}`);
}

function int(name: string, args: readonly unknown[], i: number): number {
  const v = args[i];
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw fault(`cannot use ${goTypeOf(v)} as argument (type int) to call ${name}`);
}

function float(name: string, args: readonly unknown[], i: number): number {
  const v = args[i];
  if (typeof v === 'number') return v;
  throw fault(`cannot use ${goTypeOf(v)} as argument (type float64) to call ${name}`);
}

function stringArray(name: string, v: unknown): string[] {
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  throw fault(`cannot use ${goTypeOf(v)} as argument (type []string) to call ${name}`);
}

/** CrowdSec's Atof: strconv.ParseFloat, 0 on a syntax error, ±Inf when out of range. */
function atof(s: string): number {
  const v = parseGoFloat(s);
  if (v !== null) return v;
  const n = Number(s.replace(/_/g, ''));
  if (!Number.isNaN(n) && !Number.isFinite(n) && /^[+-]?[\d.]/.test(s)) return n;
  return 0;
}

/** Haversine distance in km on a sphere of radius 6371 km (github.com/umahmood/haversine). */
function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const p1 = lat1 * rad;
  const p2 = lat2 * rad;
  const dLat = p2 - p1;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(p1) * Math.cos(p2) * Math.sin(dLon / 2) ** 2;
  return 2 * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a)) * 6371;
}

/**
 * CrowdSec's Match: `*` any run, `?` one byte, other bytes literal, with its quirk that an empty
 * name only matches "" or "*". Evaluated by dynamic programming (linear space) instead of
 * CrowdSec's recursion, which is exponential on patterns with many stars.
 */
export function globMatch(pattern: string, name: string): boolean {
  const p = Buffer.from(pattern, 'utf8');
  const n = Buffer.from(name, 'utf8');
  const pl = p.length;
  const nl = n.length;
  if (pl === 0) return nl === 0;
  // m[i]: Match(p[i:], n[j:]) for the current j; s[i]: some k >= j with Match(p[i+1:], n[k:]).
  let mNext = new Uint8Array(pl + 1);
  let sNext = new Uint8Array(pl + 1);
  let m = new Uint8Array(pl + 1);
  let s = new Uint8Array(pl + 1);
  // j = nl: the empty name.
  for (let i = pl; i >= 0; i--) {
    m[i] = i === pl || (pl - i === 1 && p[i] === 0x2a) ? 1 : 0;
  }
  for (let i = pl - 1; i >= 0; i--) s[i] = m[i + 1];
  for (let j = nl - 1; j >= 0; j--) {
    [mNext, m] = [m, mNext];
    [sNext, s] = [s, sNext];
    m[pl] = 0;
    for (let i = pl - 1; i >= 0; i--) {
      const c = p[i];
      if (c === 0x2a) m[i] = s[i] = m[i + 1] || sNext[i] ? 1 : 0;
      else {
        s[i] = m[i + 1] || sNext[i] ? 1 : 0;
        m[i] = (c === 0x3f || c === n[j]) && mNext[i + 1] ? 1 : 0;
      }
    }
  }
  return m[0] === 1;
}

function flattenInto(out: unknown[], v: unknown): unknown[] {
  if (Array.isArray(v)) for (const x of v) flattenInto(out, x);
  else out.push(v);
  return out;
}

/** CrowdSec's Distinct: first occurrences, compared as Go map keys (arrays and maps are not hashable). */
function distinct(v: unknown): unknown {
  if (!Array.isArray(v)) return null;
  const out: unknown[] = [];
  for (const x of v) {
    if (typeof x === 'object' && x !== null) throw fault(`runtime error: hash of unhashable type ${goTypeOf(x)}`);
    if (!out.some((y) => y === x || (equal(x, y) && typeof x === typeof y))) out.push(x);
  }
  return out;
}

function times(name: string, v: unknown): GoTime[] {
  if (!Array.isArray(v)) throw fault(`${name} expects a slice of times`);
  return v.map((t, i) => {
    if (!(t instanceof GoTime)) throw fault(`element at index ${i} is not a time.Time`);
    return t;
  });
}

function intervals(name: string, v: unknown, what: string): number[] {
  const ts = times(name, v).sort((a, b) => a.Compare(b));
  if (ts.length < 2) throw fault(`need at least two times to calculate ${what}`);
  const out: number[] = [];
  for (let i = 1; i < ts.length; i++) out.push(ts[i].Sub(ts[i - 1]).ns);
  return out;
}

function parseUnixSeconds(value: string): number | null {
  const head = value.split('.')[0];
  if (!/^[+-]?\d+$/.test(head)) return null;
  const n = Number(head);
  return n > 0 ? n : null;
}

type Helper = (...args: unknown[]) => unknown;

/**
 * CrowdSec's helpers, by their Go names, ready for `compileExpr({ functions })`: the pure ones always,
 * File/RegexpInFile/FileMap/LookupFile with `deps.dataFiles`, GetFromStash/SetInStash with
 * `deps.stash`. Not here (they need the database, the network or other state): GetDecisionsCount,
 * GetDecisionsSinceCount, GetActiveDecisionsCount, GetActiveDecisionsTimeLeft, LookupHost,
 * GeoIPEnrich, GeoIPASNEnrich, GeoIPRangeEnrich, CrowdsecCTI, IsAnomalous, JA4H, LibInjectionIsSQLI,
 * LibInjectionIsXSS, ReplaceRegexp, ReplaceAllRegex.
 */
/** Helpers whose result depends only on their arguments: folded when the arguments are constants. */
const PURE = [
  'Upper', 'Lower', 'IpInRange', 'IpToRange', 'IsIPV4', 'IsIPV6', 'IsIP', 'PathUnescape', 'QueryUnescape', 'PathEscape',
  'QueryEscape', 'Trim', 'TrimLeft', 'TrimRight', 'TrimSpace', 'TrimPrefix', 'TrimSuffix', 'Replace', 'ReplaceAll',
] as const;

/**
 * Remembers the last 16 inputs and results of a pure string function: the strings of the event being
 * processed (path, user agent, query…), which dozens of scenario filters transform the same way.
 * Compared with ===, no hashing: a new string costs a short scan, not a map insertion.
 */
function remembered(fn: (s: string) => string): (s: string) => string {
  const SIZE = 16;
  const inputs: (string | null)[] = new Array<string | null>(SIZE).fill(null);
  const outputs: string[] = new Array<string>(SIZE).fill('');
  let next = 0;
  return (s) => {
    // Newest first: the same string is usually asked for again right away.
    for (let k = 1; k <= SIZE; k++) {
      const i = (next - k) & (SIZE - 1);
      if (inputs[i] === s) return outputs[i]!;
    }
    const v = fn(s);
    inputs[next] = s;
    outputs[next] = v;
    next = (next + 1) & (SIZE - 1);
    return v;
  };
}

/**
 * A helper of one string argument, called by dozens of scenario filters on every line: its arity is
 * checked when compiling, so the call is a type test and `fn`, with no argument array.
 */
function oneString(name: string, fn: (s: string) => string): Helper {
  return Object.assign((s?: unknown): unknown => (typeof s === 'string' ? fn(s) : fn(str(name, [s], 0))), { arity: 1 });
}

export function crowdsecHelpers(deps: CrowdsecHelperDeps = {}): Record<string, ExprFunction> {
  const clock = deps.clock ?? systemClock;
  // Hub scenarios call Upper(evt.Meta.http_path) in dozens of filters for the same event: the last
  // few answers are remembered (per helper set, not per module).
  const upper = remembered(goToUpper);
  const lower = remembered(goToLower);
  const helpers: Record<string, Helper> = {
    Atof: (...a) => atof(str('Atof', a, 0)),
    Upper: Object.assign(oneString('Upper', upper), { asciiCase: 'upper' as const }),
    Lower: Object.assign(oneString('Lower', lower), { asciiCase: 'lower' as const }),
    Distance: (...a) => {
      const names = ['lat1', 'long1', 'lat2', 'long2'];
      const v = names.map((nm, i) => {
        const f = parseGoFloat(str('Distance', a, i));
        if (f === null) throw fault(`${nm} is not a float : strconv.ParseFloat: parsing ${JSON.stringify(a[i])}: invalid syntax`);
        return f;
      });
      if ((v[0] === 0 && v[1] === 0) || (v[2] === 0 && v[3] === 0)) return 0;
      return haversineKm(v[0], v[1], v[2], v[3]);
    },
    Flatten: (...a) => flattenInto([], a),
    Distinct: (...a) => distinct(a[0]),
    FlattenDistinct: (...a) => distinct(flattenInto([], a)),
    ToJsonString: (...a) => {
      try {
        return goMarshalJSON(a[0]);
      } catch {
        return '';
      }
    },
    IpInRange: (...a) => ipInRange(str('IpInRange', a, 0), str('IpInRange', a, 1)),
    IpToRange: (...a) => ipToRange(str('IpToRange', a, 0), str('IpToRange', a, 1)),
    IsIPV4: (...a) => isIPv4(str('IsIPV4', a, 0)),
    IsIPV6: (...a) => isIPv6(str('IsIPV6', a, 0)),
    IsIP: (...a) => isIP(str('IsIP', a, 0)),
    TimeNow: () => GoTime.fromMillis(clock.now()).UTC().Format(GO_LAYOUTS.RFC3339),
    ParseUri: (...a) => {
      const raw = rawQueryOf(str('ParseUri', a, 0));
      if (raw === null) return Object.create(null) as Record<string, string[]>;
      const { values, ok } = goParseQuery(raw);
      return ok ? values : (Object.create(null) as Record<string, string[]>);
    },
    ParseQuery: (...a) => crowdsecParseQuery(str('ParseQuery', a, 0)),
    ExtractQueryParam: (...a) => {
      const uri = str('ExtractQueryParam', a, 0);
      const param = str('ExtractQueryParam', a, 1);
      const q = uri.indexOf('?');
      if (q < 0) return [];
      return crowdsecParseQuery(uri.slice(q + 1))[param] ?? [];
    },
    PathUnescape: oneString('PathUnescape', remembered((s) => goPathUnescape(s) ?? s)),
    QueryUnescape: oneString('QueryUnescape', remembered((s) => goQueryUnescape(s) ?? s)),
    PathEscape: (...a) => goPathEscape(str('PathEscape', a, 0)),
    QueryEscape: (...a) => goQueryEscape(str('QueryEscape', a, 0)),
    Sprintf: (...a) => goSprintf(str('Sprintf', a, 0), a.slice(1)),
    ParseUnix: (...a) => {
      const secs = parseUnixSeconds(str('ParseUnix', a, 0));
      if (secs === null) return '';
      return GoTime.fromMillis(secs * 1000).Format(GO_LAYOUTS.RFC3339);
    },
    Fields: (...a) => goFields(str('Fields', a, 0)),
    Index: (...a) => goIndex(str('Index', a, 0), str('Index', a, 1)),
    IndexAny: (...a) => goIndexAny(str('IndexAny', a, 0), str('IndexAny', a, 1)),
    Join: (...a) => stringArray('Join', a[0]).join(str('Join', a, 1)),
    Split: (...a) => goSplit(str('Split', a, 0), str('Split', a, 1)),
    SplitAfter: (...a) => goSplit(str('SplitAfter', a, 0), str('SplitAfter', a, 1), -1, true),
    SplitAfterN: (...a) => goSplit(str('SplitAfterN', a, 0), str('SplitAfterN', a, 1), int('SplitAfterN', a, 2), true),
    SplitN: (...a) => goSplit(str('SplitN', a, 0), str('SplitN', a, 1), int('SplitN', a, 2)),
    Replace: (...a) => goReplace(str('Replace', a, 0), str('Replace', a, 1), str('Replace', a, 2), int('Replace', a, 3)),
    ReplaceAll: (...a) => goReplace(str('ReplaceAll', a, 0), str('ReplaceAll', a, 1), str('ReplaceAll', a, 2)),
    Trim: (...a) => goTrim(str('Trim', a, 0), str('Trim', a, 1)),
    TrimLeft: (...a) => goTrimLeft(str('TrimLeft', a, 0), str('TrimLeft', a, 1)),
    TrimRight: (...a) => goTrimRight(str('TrimRight', a, 0), str('TrimRight', a, 1)),
    TrimSpace: (...a) => goTrimSpace(str('TrimSpace', a, 0)),
    TrimPrefix: (...a) => goTrimPrefix(str('TrimPrefix', a, 0), str('TrimPrefix', a, 1)),
    TrimSuffix: (...a) => goTrimSuffix(str('TrimSuffix', a, 0), str('TrimSuffix', a, 1)),
    Get: (...a) => {
      const arr = stringArray('Get', a[0]);
      const i = int('Get', a, 1);
      if (i >= arr.length) return '';
      if (i < 0) throw fault(`runtime error: index out of range [${i}]`);
      return arr[i];
    },
    ToString: (...a) => (typeof a[0] === 'string' ? a[0] : ''),
    Match: (...a) => globMatch(str('Match', a, 0), str('Match', a, 1)),
    KeyExists: (...a) => {
      const key = str('KeyExists', a, 0);
      const dict = a[1];
      if (dict instanceof Map) return dict.has(key);
      if (!isGoMap(dict)) throw fault(`cannot use ${goTypeOf(dict)} as argument (type map[string]interface {}) to call KeyExists`);
      return Object.prototype.hasOwnProperty.call(dict, key);
    },
    LogInfo: (...a) => {
      deps.logInfo?.(goSprintf(str('LogInfo', a, 0), a.slice(1)));
      return true;
    },
    B64Decode: (...a) => decodeStdBase64(str('B64Decode', a, 0)),
    Hostname: () => (deps.hostname ?? osHostname)(),
    FloatApproxEqual: (...a) => Math.abs(float('FloatApproxEqual', a, 0) - float('FloatApproxEqual', a, 1)) < 1e-6,
    AverageInterval: (...a) => {
      if (a.length !== 1) throw fault('AverageInterval expects exactly one parameter: a slice of times');
      const iv = intervals('AverageInterval', a[0], 'an average interval');
      return new GoDuration(Math.trunc(iv.reduce((x, y) => x + y, 0) / iv.length));
    },
    MedianInterval: (...a) => {
      if (a.length !== 1) throw fault('MedianInterval expects exactly one parameter: a slice of times');
      const iv = intervals('MedianInterval', a[0], 'a median').sort((x, y) => x - y);
      const n = iv.length;
      return new GoDuration(n % 2 === 1 ? iv[(n - 1) / 2] : Math.trunc((iv[n / 2 - 1] + iv[n / 2]) / 2));
    },
  };
  const out: Record<string, ExprFunction> = { ...jsonHelpers(), ...kvHelpers(), ...xmlHelpers() };
  if (deps.dataFiles) Object.assign(out, deps.dataFiles.helpers());
  if (deps.stash) Object.assign(out, deps.stash.helpers());
  for (const [name, fn] of Object.entries(helpers)) out[name] = fn;
  for (const name of PURE) out[name] = pureFunction(helpers[name]!);
  out.Atof = withResultKind(helpers.Atof, 'float');
  out.Distance = withResultKind(helpers.Distance, 'float');
  for (const name of ['Index', 'IndexAny']) out[name] = withResultKind(helpers[name], 'int');
  return out;
}
