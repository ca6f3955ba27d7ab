/**
 * CrowdSec's JSON helpers (pkg/exprhelpers/jsonextract.go), with their results on missing keys and
 * bad JSON: JsonExtract* give "" (or nil for Slice/Object) and never fail; UnmarshalJSON fails the
 * expression on invalid JSON, as its Go error does. Paths are jsonparser key paths written with dots,
 * `[n]` for array elements: `foo.bar[0].baz` (see json-parser.ts for the lookup itself).
 */
import { fault } from './errors.js';
import { goUnmarshalJSON } from './go-json.js';
import { JsonType, jsonGet, jsonGetString } from './json-parser.js';
import { goTypeOf, isPlainMap, type ExprFunction } from './values.js';

function str(name: string, v: unknown): string {
  if (typeof v === 'string') return v;
  throw fault(`cannot use ${goTypeOf(v)} as argument (type string) to call ${name}`);
}

/** JsonExtract's path: `a.b[0]` → ["a", "b", "[0]"] (a path starting with `[` is split on dots only). */
export function jsonPath(target: string): string[] {
  const t = target.startsWith('[') ? target : target.split('[').join('.[');
  return t.split('.');
}

/** JsonExtractLib with a key path: the raw text of the value ("" when absent or on a parse error). */
function extract(blob: string, keys: readonly string[]): string {
  const r = jsonGet(blob, keys);
  if (r.error !== null || r.type === JsonType.NotExist) return '';
  return r.value;
}

/** Go's json.Unmarshal of the slice jsonparser found; null when it is not valid JSON. */
function unmarshalOrNil(text: string): unknown {
  try {
    return goUnmarshalJSON(text);
  } catch {
    return null;
  }
}

/** Paths come from content and are few: split once (the bound only guards against computed paths). */
const PATHS_KEPT = 1024;

export function jsonHelpers(): Record<string, ExprFunction> {
  const paths = new Map<string, readonly string[]>();
  /** JsonExtract answers on short documents, by path then document (bounded). */
  const memo = new Map<string, Map<string, string>>();
  const path = (target: string): readonly string[] => {
    let keys = paths.get(target);
    if (keys === undefined) {
      keys = jsonPath(target);
      if (paths.size >= PATHS_KEPT) paths.clear();
      paths.set(target, keys);
    }
    return keys;
  };
  /** The raw text at `target` when it has type `t`, else null (jsonExtractType). */
  const extractType = (blob: string, target: string, t: JsonType): string | null => {
    const r = jsonGet(blob, path(target));
    if (r.error !== null || r.type !== t) return null;
    return r.value;
  };
  // Hot path (statics of JSON log parsers, per line): fixed parameters, the path split once.
  return {
    JsonExtract: (blob?: unknown, target?: unknown) => {
      const b = str('JsonExtract', blob);
      const t = str('JsonExtract', target);
      // Short documents (list entries such as `{"uri": …, "cve": …}` read on every line) are
      // remembered; a log line's JSON is read afresh.
      if (b.length > 512) return extract(b, path(t));
      let byBlob = memo.get(t);
      if (byBlob === undefined) {
        if (memo.size >= 64) memo.clear();
        memo.set(t, (byBlob = new Map()));
      }
      let v = byBlob.get(b);
      if (v === undefined) {
        v = extract(b, path(t));
        if (byBlob.size >= 4096) byBlob.clear();
        byBlob.set(b, v);
      }
      return v;
    },
    /** Its Go signature is variadic, but only the first key is used (params[1]). */
    JsonExtractUnescape: (...a: unknown[]) => {
      const blob = str('JsonExtractUnescape', a[0]);
      if (a.length < 2) throw fault(`runtime error: index out of range [1] with length ${a.length}`);
      const key = a[1];
      let keys: readonly string[];
      if (typeof key === 'string') keys = [key];
      else if (Array.isArray(key) && key.every((k) => typeof k === 'string')) keys = key as string[];
      else return '';
      const r = jsonGetString(blob, keys);
      return r.error === null ? r.value : '';
    },
    /**
     * In CrowdSec its key path must be a []string in one argument (params[1].([]string)); the key
     * strings an expression can pass fail its type assertion, and so they do here.
     */
    JsonExtractLib: (...a: unknown[]) => {
      const blob = str('JsonExtractLib', a[0]);
      if (a.length < 2) throw fault(`runtime error: index out of range [1] with length ${a.length}`);
      const keys = a[1];
      if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) {
        throw fault(`interface conversion: interface {} is ${goTypeOf(keys)}, not []string`);
      }
      return extract(blob, keys as string[]);
    },
    JsonExtractSlice: (blob?: unknown, target?: unknown) => {
      const text = extractType(str('JsonExtractSlice', blob), str('JsonExtractSlice', target), JsonType.Array);
      if (text === null) return null;
      const v = unmarshalOrNil(text);
      return Array.isArray(v) ? v : null;
    },
    JsonExtractObject: (blob?: unknown, target?: unknown) => {
      const text = extractType(str('JsonExtractObject', blob), str('JsonExtractObject', target), JsonType.Object);
      if (text === null) return null;
      const v = unmarshalOrNil(text);
      return isPlainMap(v) ? v : null;
    },
    /** UnmarshalJSON(blob, target, key): target[key] = the decoded value; nil result. */
    UnmarshalJSON: (blob?: unknown, target?: unknown, key?: unknown) => {
      const text = str('UnmarshalJSON', blob);
      if (!isPlainMap(target) && !(target instanceof Map)) {
        throw fault(`interface conversion: interface {} is ${goTypeOf(target)}, not map[string]interface {}`);
      }
      const k = str('UnmarshalJSON', key);
      const v = goUnmarshalJSON(text);
      if (target instanceof Map) target.set(k, v);
      else target[k] = v;
      return null;
    },
  };
}
