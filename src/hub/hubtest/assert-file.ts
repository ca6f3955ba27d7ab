import { basename } from 'node:path';
import { compileExpr, crowdsecHelpers, formatGoValue, withResultKind, type ExprFunction } from '../../expr/index.js';
import { compileRegex } from '../../grok/index.js';
import type { Clock } from '../../core/index.js';

/**
 * Evaluates an assert file the way `cscli hubtest` does: every non-empty line is an expression over
 * `results` (the parser dump or the ordered overflows) that must give `true`. A line that does not
 * compile or fails at run time makes the whole file an error; a false line is a failure, reported
 * with the value its left-hand side actually had.
 */

export interface AssertFailure {
  line: number;
  expression: string;
  /** What the left-hand side of `==` evaluated to, when there is one. */
  actual?: string;
}

export interface AssertOutcome {
  asserts: number;
  failures: AssertFailure[];
  /** The first line that could not be evaluated at all (compile or run-time error). */
  error?: string;
}

function assertHelpers(clock: Clock): Record<string, ExprFunction> {
  return {
    ...crowdsecHelpers({ clock }),
    basename: withResultKind((...a: unknown[]) => basename(String(a[0] ?? '')), 'string'),
  };
}

/** The text before the first ` == ` (cscli's variableRE: `[^ =]+ == .*`). */
function leftSide(line: string): string | null {
  const m = /^([^ =]+) == /.exec(line);
  return m ? m[1]! : null;
}

export function runAssertFile(text: string, results: unknown, clock: Clock, maxFailures = 20): AssertOutcome {
  const functions = assertHelpers(clock);
  const env = { results };
  const out: AssertOutcome = { asserts: 0, failures: [] };
  const lines = text.split('\n');
  const evaluate = (source: string): unknown =>
    compileExpr(source, { variables: ['results'], functions, regex: compileRegex, clock }).run(env);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line === '') continue;
    let value: unknown;
    try {
      value = evaluate(line);
    } catch (err) {
      out.error = `line ${i + 1}: unable to run assert '${line}': ${(err as Error).message}`;
      return out;
    }
    if (typeof value !== 'boolean') {
      out.error = `line ${i + 1}: assertion '${line}' is not a condition`;
      return out;
    }
    out.asserts++;
    if (value) continue;
    if (out.failures.length >= maxFailures) {
      out.failures.push({ line: i + 1, expression: line });
      continue;
    }
    const failure: AssertFailure = { line: i + 1, expression: line };
    const left = leftSide(line);
    if (left !== null) {
      try {
        failure.actual = formatGoValue(evaluate(left));
      } catch (err) {
        failure.actual = `(error: ${(err as Error).message})`;
      }
    }
    out.failures.push(failure);
  }
  return out;
}
