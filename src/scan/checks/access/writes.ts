/**
 * Planning a visible, reversible change to an object: which writable field to set (a free-text
 * field gets a marker, else an integer moves by one within its bounds), the input that sets it and
 * the input that puts the old value back.
 */
import type { JsonSchema } from '../../model.js';
import { isObject, marker, type JsonObject } from './common.js';
import type { Endpoint } from './objects.js';
import { isJsonBody, objectFor, requiredOf, schemaProperties } from './rest.js';

export interface PlannedChange {
  readonly field: string;
  readonly value: unknown;
  readonly previous: unknown;
  /** The JSON body that makes the change. */
  readonly input: JsonObject;
  /** The same with the previous value. */
  readonly restore: JsonObject;
}

const PREFERRED = /name|title|description|note|comment|address|label|text|message|bio|remark|subject|memo/i;
const AVOID = /password|secret|token|email|phone|url|uri|id$|_id$|status|role|type|currency|date|time/i;

function isFreeText(schema: JsonSchema): boolean {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  return type === 'string' && schema.enum === undefined && schema.format === undefined && schema.pattern === undefined && schema.readOnly !== true;
}

function markerFor(schema: JsonSchema | undefined): string | undefined {
  const m = marker();
  const max = typeof schema?.maxLength === 'number' ? schema.maxLength : undefined;
  const min = typeof schema?.minLength === 'number' ? schema.minLength : 0;
  if (max !== undefined && max < 8) return undefined;
  const value = max !== undefined && max < m.length ? m.slice(0, max) : m;
  return value.length >= min ? value : value.padEnd(min, 'x');
}

function bumped(current: number, schema: JsonSchema | undefined): number | undefined {
  const max = typeof schema?.maximum === 'number' ? schema.maximum : Number.MAX_SAFE_INTEGER;
  const min = typeof schema?.minimum === 'number' ? schema.minimum : Number.MIN_SAFE_INTEGER;
  if (current + 1 <= max) return current + 1;
  if (current - 1 >= min) return current - 1;
  return undefined;
}

function ranked(names: string[]): string[] {
  return names.filter((n) => !AVOID.test(n)).sort((a, b) => Number(PREFERRED.test(b)) - Number(PREFERRED.test(a)));
}

function restChange(endpoint: Endpoint, current: JsonObject): PlannedChange | undefined {
  const body = endpoint.op.requestBody;
  if (body === undefined || !isJsonBody(endpoint.op)) return undefined;
  const props = schemaProperties(body.schema);
  let field: string | undefined;
  let value: unknown;
  for (const name of ranked(Object.keys(props))) {
    if (isFreeText(props[name]) && typeof current[name] === 'string') {
      value = markerFor(props[name]);
      if (value !== undefined) {
        field = name;
        break;
      }
    }
  }
  if (field === undefined) {
    for (const name of ranked(Object.keys(props))) {
      const c = current[name];
      if (props[name].type === 'integer' && props[name].readOnly !== true && typeof c === 'number' && Number.isInteger(c)) {
        value = bumped(c, props[name]);
        if (value !== undefined) {
          field = name;
          break;
        }
      }
    }
  }
  if (field === undefined) return undefined;
  const base: JsonObject = endpoint.op.method === 'PATCH' ? pick(objectFor(body.schema, current), requiredOf(body.schema)) : objectFor(body.schema, current);
  return { field, value, previous: current[field], input: { ...base, [field]: value }, restore: { ...base, [field]: current[field] } };
}

function pick(obj: JsonObject, keys: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const k of keys) if (k in obj) out[k] = obj[k];
  return out;
}

/** A change to `current` through `endpoint` that a later read can see, or undefined. */
export function planChange(endpoint: Endpoint, current: unknown): PlannedChange | undefined {
  return isObject(current) ? restChange(endpoint, current) : undefined;
}
