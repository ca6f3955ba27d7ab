import type { Event } from './event.js';
import { mapStore, type MapField } from './map-store.js';

/**
 * `target: evt.StrTime` statics: CrowdSec walks the Event by field names with reflection and sets
 * the string it lands on, or a key of the first map it meets (`evt.Meta.foo` sets Meta["foo"]; any
 * further segments are ignored). We resolve the path once, at load time, into a setter.
 */
export type TargetSetter = (evt: Event, value: string) => boolean;

type Shape = { kind: 'string' } | { kind: 'map'; field: string } | { kind: 'struct'; fields: Record<string, Shape> } | { kind: 'other' };

const str: Shape = { kind: 'string' };
const other: Shape = { kind: 'other' };

const LINE_SHAPE: Shape = {
  kind: 'struct',
  fields: { Raw: str, Src: str, Module: str, Labels: { kind: 'map', field: 'Labels' }, Time: other, Process: other },
};

const EVENT_SHAPE: Shape = {
  kind: 'struct',
  fields: {
    Type: other,
    ExpectMode: other,
    Whitelisted: other,
    WhitelistReason: str,
    Stage: str,
    Line: LINE_SHAPE,
    Parsed: { kind: 'map', field: 'Parsed' },
    Enriched: { kind: 'map', field: 'Enriched' },
    Meta: { kind: 'map', field: 'Meta' },
    Unmarshaled: { kind: 'map', field: 'Unmarshaled' },
    Overflow: other,
    Time: other,
    StrTime: str,
    StrTimeFormat: str,
    MarshaledTime: str,
    Process: other,
  },
};

/** Returns the setter, or a reason why the target can never be set (CrowdSec logs it at run time). */
export function compileTarget(target: string): TargetSetter | string {
  const path = (target.startsWith('evt.') ? target.slice(4) : target).split('.');
  if (path[0] === 'Overflow' && path.length > 1) return overflowSetter(path.slice(1));
  let shape: Shape = EVENT_SHAPE;
  const walked: string[] = [];
  for (const seg of path) {
    if (shape.kind === 'struct') {
      const next: Shape | undefined = shape.fields[seg];
      if (!next) return `'${target}' is not a valid target because '${seg}' is not valid`;
      walked.push(seg);
      shape = next;
      if (shape.kind === 'map') {
        const idx = walked.length;
        if (idx >= path.length) break;
        return mapSetter(walked, path[idx]!);
      }
      continue;
    }
    // Go's reflection walk fails on a segment below a string or a non-struct field (`evt.StrTime.x`).
    return `'${target}' is not a valid target because '${walked.join('.')}' has no field '${seg}'`;
  }
  if (shape.kind === 'map') return `'${target}' names a map, not a key in it`;
  if (shape.kind !== 'string') return `'${target}' is not a string field`;
  return fieldSetter(walked);
}

function mapSetter(walked: string[], key: string): TargetSetter {
  if (walked.length === 1) {
    return mapStore(walked[0] as MapField, key);
  }
  // Line.Labels
  return (evt, value) => {
    evt.Line.Labels[key] = value;
    return true;
  };
}

function fieldSetter(walked: string[]): TargetSetter {
  if (walked.length === 1) {
    const field = walked[0] as 'WhitelistReason' | 'Stage' | 'StrTime' | 'StrTimeFormat' | 'MarshaledTime';
    return (evt, value) => {
      evt[field] = value;
      return true;
    };
  }
  const field = walked[1] as 'Raw' | 'Src' | 'Module';
  return (evt, value) => {
    evt.Line[field] = value;
    return true;
  };
}

/**
 * `target: evt.Overflow.Alert.Source.Value` (postoverflows): the overflow's shape belongs to the
 * scenarios domain, so the walk happens when the static runs — through objects, to a field that
 * holds a string (Go's *string fields of models.Alert included). Anything else is not settable.
 */
function overflowSetter(path: readonly string[]): TargetSetter {
  const last = path[path.length - 1]!;
  return (evt, value) => {
    let o: unknown = evt.Overflow;
    for (let i = 0; i < path.length - 1; i++) {
      if (o === null || typeof o !== 'object') return false;
      o = (o as Record<string, unknown>)[path[i]!];
    }
    if (o === null || typeof o !== 'object') return false;
    const holder = o as Record<string, unknown>;
    if (typeof holder[last] !== 'string') return false;
    holder[last] = value;
    return true;
  };
}
