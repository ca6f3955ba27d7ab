/**
 * CrowdSec's key=value helpers (pkg/exprhelpers/helpers.go ParseKV, ParseKVLax): they write the pairs
 * found in a line into `target[prefix]`, a map[string]string (a StringMap here), usually
 * `evt.Unmarshaled`, and return nil. CrowdSec's regular expressions run on RE2 (linear time on log
 * data); ParseKVLax's "inside a quoted value" test is done in one pass instead of one rescan per key.
 */
import RE2 from 're2';
import { fault } from './errors.js';
import { goTrimSpace } from './go-strings.js';
import { createStringMap, goTypeOf, isPlainMap, isStringMap, type ExprFunction, type StringMap } from './values.js';

/**
 * CrowdSec's keyValuePattern,
 * `(?P<key>[^=\s]+)=(?:"(?P<quoted_value>[^"\\]*(?:\\.[^"\\]*)*)"|(?P<value>[^=\s]+)|\s*)`, with Go's
 * `\s` spelled out (ASCII [\t\n\f\r ]) and the groups numbered: 1 key, 2 quoted_value, 3 value.
 */
const KEY_VALUE = '([^=\\t\\n\\f\\r ]+)=(?:"([^"\\\\]*(?:\\\\.[^"\\\\]*)*)"|([^=\\t\\n\\f\\r ]+)|[\\t\\n\\f\\r ]*)';
/** CrowdSec's keyStart, the stricter key of the lax parser: `([a-zA-Z_][a-zA-Z0-9_.-]*)=`. */
const KEY_START = '([a-zA-Z_][a-zA-Z0-9_.-]*)=';

/** params[1].(map[string]interface{}): the target must be a Go map of any values. */
function targetMap(name: string, v: unknown): Record<string, unknown> {
  if (isPlainMap(v)) return v;
  throw fault(`interface conversion: interface {} is ${goTypeOf(v)}, not map[string]interface {}`);
}

function str(name: string, v: unknown): string {
  if (typeof v === 'string') return v;
  throw fault(`cannot use ${goTypeOf(v)} as argument (type string) to call ${name}`);
}

/** target[prefix] as a map[string]string, created when absent; an error when it holds something else. */
function kvMap(name: string, target: Record<string, unknown>, prefix: string): StringMap {
  if (!Object.prototype.hasOwnProperty.call(target, prefix)) {
    const m = createStringMap();
    target[prefix] = m;
    return m;
  }
  const m = target[prefix];
  if (!isStringMap(m)) throw fault(`${name}: target is not a map[string]string`);
  return m;
}

/** ParseKVLax's value: quotes removed (with `\\` and `\"` unescaped) when closed, else the text as is. */
function laxValue(s: string): string {
  if (s === '' || s[0] !== '"') return s;
  if (s.length >= 2 && s[s.length - 1] === '"') return s.slice(1, -1).replaceAll('\\\\', '\\').replaceAll('\\"', '"');
  return s.slice(1);
}

/**
 * The value of one KEY_VALUE match, from the text after its `=`: the quoted value when the first
 * alternative matched, else the bare value, else "" (the `\s*` alternative). The quoted alternative
 * matched exactly when a scan of `"…"` (escape pairs `\x`, x not a newline) closes within the text:
 * it is tried first, and its outcome depends only on the characters it reads.
 */
function kvValue(rest: string): string {
  if (rest.charCodeAt(0) === 0x22) {
    for (let j = 1; j < rest.length; j++) {
      const c = rest.charCodeAt(j);
      if (c === 0x22) return rest.slice(1, j);
      if (c === 0x5c) {
        if (j + 1 >= rest.length || rest.charCodeAt(j + 1) === 0x0a) break;
        j++;
      }
    }
  }
  const c = rest.charCodeAt(0);
  // The bare value starts with a character of the key class; the `\s*` alternative with a space.
  return rest === '' || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d ? '' : rest;
}

export function kvHelpers(): Record<string, ExprFunction> {
  // Compiled once per helpers table. RE2 finds all matches of a line in one call (`match` with the
  // g flag: linear; an exec loop costs a native call per pair, and `replace` grows quadratic on long
  // lines); the groups are then read back from each match text.
  const keyValue = new RE2(KEY_VALUE, 'g');
  const keyStart = new RE2(KEY_START, 'g');
  return {
    ParseKV: (blob?: unknown, target?: unknown, prefix?: unknown) => {
      const line = str('ParseKV', blob);
      const t = targetMap('ParseKV', target);
      const p = str('ParseKV', prefix);
      const matches = keyValue.match(line);
      if (matches === null) throw fault('invalid input format');
      const out = kvMap('ParseKV', t, p);
      for (let i = 0; i < matches.length; i++) {
        const m = matches[i]!;
        // The key holds no `=`: the first one ends it.
        const eq = m.indexOf('=');
        out[m.slice(0, eq)] = kvValue(m.slice(eq + 1));
      }
      return null;
    },
    ParseKVLax: (blob?: unknown, target?: unknown, prefix?: unknown) => {
      const line = str('ParseKVLax', blob);
      const t = targetMap('ParseKVLax', target);
      const p = str('ParseKVLax', prefix);
      const out = kvMap('ParseKVLax', t, p);
      const matches = keyStart.match(line) ?? [];
      // Keys (start of `key=` and its length), without those inside a quoted value: quotes before a
      // key toggle the state unless escaped by an odd number of backslashes (one pass for all keys).
      // A match starts at the first occurrence of its text after the previous one (an earlier
      // occurrence would have been the leftmost match).
      const starts: number[] = [];
      const lengths: number[] = [];
      let from = 0;
      let scanned = 0;
      let inQuote = false;
      let backslashes = 0;
      for (let k = 0; k < matches.length; k++) {
        const m = matches[k]!;
        const at = line.indexOf(m, from);
        from = at + m.length;
        for (; scanned < at; scanned++) {
          const c = line.charCodeAt(scanned);
          if (c === 0x22 && backslashes % 2 === 0) inQuote = !inQuote;
          backslashes = c === 0x5c ? backslashes + 1 : 0;
        }
        if (inQuote) continue;
        starts.push(at);
        lengths.push(m.length);
      }
      if (starts.length === 0) throw fault('invalid input format');
      for (let i = 0; i < starts.length; i++) {
        const keyEnd = starts[i]! + lengths[i]!;
        const valEnd = i + 1 < starts.length ? starts[i + 1]! : line.length;
        out[line.slice(starts[i]!, keyEnd - 1)] = laxValue(goTrimSpace(line.slice(keyEnd, valEnd)));
      }
      return null;
    },
  };
}
