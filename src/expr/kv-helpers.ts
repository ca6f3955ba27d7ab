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

export function kvHelpers(): Record<string, ExprFunction> {
  // Compiled once per helpers table; `lastIndex` is reset before each use (calls do not overlap).
  const keyValue = new RE2(KEY_VALUE, 'g');
  const keyStart = new RE2(KEY_START, 'g');
  return {
    ParseKV: (blob?: unknown, target?: unknown, prefix?: unknown) => {
      const line = str('ParseKV', blob);
      const t = targetMap('ParseKV', target);
      const p = str('ParseKV', prefix);
      const pairs: [string, string][] = [];
      keyValue.lastIndex = 0;
      for (let m = keyValue.exec(line); m !== null; m = keyValue.exec(line)) {
        pairs.push([m[1]!, m[2] || m[3] || '']);
      }
      if (pairs.length === 0) throw fault('invalid input format');
      const out = kvMap('ParseKV', t, p);
      for (const [k, v] of pairs) out[k] = v;
      return null;
    },
    ParseKVLax: (blob?: unknown, target?: unknown, prefix?: unknown) => {
      const line = str('ParseKVLax', blob);
      const t = targetMap('ParseKVLax', target);
      const p = str('ParseKVLax', prefix);
      const out = kvMap('ParseKVLax', t, p);
      // Keys (start, end of `key=`), without those inside a quoted value.
      const starts: number[] = [];
      const ends: number[] = [];
      const keys: string[] = [];
      let scanned = 0;
      let inQuote = false;
      let backslashes = 0;
      keyStart.lastIndex = 0;
      for (let m = keyStart.exec(line); m !== null; m = keyStart.exec(line)) {
        const at = m.index;
        // Quotes before `at` toggle the state unless escaped by an odd number of backslashes.
        for (; scanned < at; scanned++) {
          const c = line.charCodeAt(scanned);
          if (c === 0x22 && backslashes % 2 === 0) inQuote = !inQuote;
          backslashes = c === 0x5c ? backslashes + 1 : 0;
        }
        if (inQuote) continue;
        starts.push(at);
        ends.push(at + m[0].length);
        keys.push(m[1]!);
      }
      if (keys.length === 0) throw fault('invalid input format');
      for (let i = 0; i < keys.length; i++) {
        const valEnd = i + 1 < keys.length ? starts[i + 1]! : line.length;
        out[keys[i]!] = laxValue(goTrimSpace(line.slice(ends[i]!, valEnd)));
      }
      return null;
    },
  };
}
