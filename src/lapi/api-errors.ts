import type { z } from 'zod';

/**
 * Error answers in CrowdSec's shape, `{"message": "..."}`, with messages that name the field as
 * go-openapi's validation does (`0.source.value in body is required`). Never a stack trace.
 */

export interface ErrorBody {
  message: string;
}

export function errorBody(message: string): ErrorBody {
  return { message };
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function pathText(path: readonly PropertyKey[]): string {
  return path.length === 0 ? 'body' : path.map(String).join('.');
}

function typeName(expected: string): string {
  return expected === 'int' ? 'integer' : expected;
}

/** One line per problem (at most 10), naming the field: `events_count in body must be of type integer`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], input: unknown): string {
  const lines: string[] = [];
  for (const issue of issues.slice(0, 10)) {
    const where = `${pathText(issue.path)} in body`;
    if (issue.code === 'invalid_type') {
      lines.push(valueAt(input, issue.path) === undefined && issue.path.length > 0 ? `${where} is required` : `${where} must be of type ${typeName(issue.expected)}`);
    } else if (issue.code === 'too_small' || issue.code === 'too_big') {
      lines.push(`${where} ${issue.message.replace(/^Too (small|big): expected \w+ to /, 'should ')}`);
    } else {
      lines.push(`${where}: ${issue.message}`);
    }
  }
  if (issues.length > 10) lines.push(`… and ${issues.length - 10} more`);
  return `validation failure list:\n${lines.join('\n')}`;
}
