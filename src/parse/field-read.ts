import type { CompiledExpr, FieldReader } from '../expr/index.js';
import type { Event } from './event.js';

/**
 * Reading a field of the event (`evt.Meta.source_ip`) is the commonest thing content does. The
 * expression compiler asks here for such paths (its `fieldReader` option) and gets a direct read —
 * one or two property loads — with the same result generic member access gives on an Event (a
 * missing key of a string map reads as ""). Copy statics (`expression: evt.Parsed.x`) skip the
 * evaluator entirely.
 */

type Env = { evt: Event };
const STRING_MAPS = new Set(['Parsed', 'Meta', 'Enriched']);
const LINE_FIELDS = new Set(['Raw', 'Src', 'Module']);
const SCALARS = new Set(['StrTime', 'StrTimeFormat', 'MarshaledTime', 'Stage', 'WhitelistReason']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A direct reader for `evt.<path>` when the path is one of the event's string fields, else null. */
export function eventFieldReader(root: string, path: readonly string[]): FieldReader | null {
  const read = readerOf(root, path);
  if (read !== null) read.inline = { names: [...path], missingAsEmpty: true };
  return read;
}

function readerOf(root: string, path: readonly string[]): FieldReader | null {
  if (root !== 'evt') return null;
  const [a, b, c] = path;
  if (path.length === 2 && STRING_MAPS.has(a!)) {
    const map = a as 'Parsed' | 'Meta' | 'Enriched';
    const key = b!;
    return (env) => {
      const v = (env as unknown as Env).evt[map][key];
      return v === undefined ? '' : v;
    };
  }
  if (path.length === 2 && a === 'Line' && LINE_FIELDS.has(b!)) {
    const field = b as 'Raw' | 'Src' | 'Module';
    return (env) => (env as unknown as Env).evt.Line[field];
  }
  if (path.length === 3 && a === 'Line' && b === 'Labels') {
    const key = c!;
    return (env) => {
      const v = (env as unknown as Env).evt.Line.Labels[key];
      return v === undefined ? '' : v;
    };
  }
  if (path.length === 1 && SCALARS.has(a!)) {
    const field = a as 'StrTime' | 'StrTimeFormat' | 'MarshaledTime' | 'Stage' | 'WhitelistReason';
    return (env) => (env as unknown as Env).evt[field];
  }
  return null;
}

/** A compiled expression for a source that is only a field path of the event, else null. */
export function directFieldRead(source: string): CompiledExpr | null {
  const parts = source.trim().split('.');
  if (parts.length < 2 || parts[0] !== 'evt' || !parts.every((p) => NAME.test(p))) return null;
  const read = eventFieldReader('evt', parts.slice(1));
  if (read === null) return null;
  return { source, resultKind: 'string', run: read };
}
