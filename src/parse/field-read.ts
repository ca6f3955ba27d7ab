import type { CompiledExpr } from '../expr/index.js';
import type { Event } from './event.js';

/**
 * Most statics copy one field (`expression: evt.Parsed.remote_addr`). Such an expression is read
 * directly — one property load — instead of through the expression evaluator; the result is the
 * same (a missing key of a string map reads as "").
 */
const FIELD = /^\s*evt\.(Parsed|Meta|Enriched)\.([A-Za-z_][A-Za-z0-9_]*)\s*$/;
const LINE = /^\s*evt\.Line\.(Raw|Src|Module)\s*$/;
const LABEL = /^\s*evt\.Line\.Labels\.([A-Za-z_][A-Za-z0-9_]*)\s*$/;
const SCALAR = /^\s*evt\.(StrTime|StrTimeFormat|MarshaledTime|Stage|WhitelistReason)\s*$/;

type Env = { evt: Event };

export function directFieldRead(source: string): CompiledExpr | null {
  let run: ((env: Env) => string) | null = null;
  let m: RegExpExecArray | null;
  if ((m = FIELD.exec(source))) {
    const map = m[1] as 'Parsed' | 'Meta' | 'Enriched';
    const key = m[2]!;
    run = (env) => {
      const v = env.evt[map][key];
      return v === undefined ? '' : v;
    };
  } else if ((m = LINE.exec(source))) {
    const field = m[1] as 'Raw' | 'Src' | 'Module';
    run = (env) => env.evt.Line[field];
  } else if ((m = LABEL.exec(source))) {
    const key = m[1]!;
    run = (env) => {
      const v = env.evt.Line.Labels[key];
      return v === undefined ? '' : v;
    };
  } else if ((m = SCALAR.exec(source))) {
    const field = m[1] as 'StrTime' | 'StrTimeFormat' | 'MarshaledTime' | 'Stage' | 'WhitelistReason';
    run = (env) => env.evt[field];
  }
  if (run === null) return null;
  const read = run;
  return { source, resultKind: 'string', run: (env) => read(env as unknown as Env) };
}
