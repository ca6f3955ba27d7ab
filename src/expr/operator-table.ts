/**
 * Operator table of expr-lang: precedence and associativity, shared by the parser and the printer.
 */
export interface OperatorInfo {
  precedence: number;
  rightAssoc: boolean;
}

export const UNARY: Readonly<Record<string, OperatorInfo>> = {
  not: { precedence: 50, rightAssoc: false },
  '!': { precedence: 50, rightAssoc: false },
  '-': { precedence: 90, rightAssoc: false },
  '+': { precedence: 90, rightAssoc: false },
};

export const BINARY: Readonly<Record<string, OperatorInfo>> = {
  '|': { precedence: 0, rightAssoc: false },
  or: { precedence: 10, rightAssoc: false },
  '||': { precedence: 10, rightAssoc: false },
  and: { precedence: 15, rightAssoc: false },
  '&&': { precedence: 15, rightAssoc: false },
  '==': { precedence: 20, rightAssoc: false },
  '!=': { precedence: 20, rightAssoc: false },
  '<': { precedence: 20, rightAssoc: false },
  '>': { precedence: 20, rightAssoc: false },
  '>=': { precedence: 20, rightAssoc: false },
  '<=': { precedence: 20, rightAssoc: false },
  in: { precedence: 20, rightAssoc: false },
  matches: { precedence: 20, rightAssoc: false },
  contains: { precedence: 20, rightAssoc: false },
  startsWith: { precedence: 20, rightAssoc: false },
  endsWith: { precedence: 20, rightAssoc: false },
  '..': { precedence: 25, rightAssoc: false },
  '+': { precedence: 30, rightAssoc: false },
  '-': { precedence: 30, rightAssoc: false },
  '*': { precedence: 60, rightAssoc: false },
  '/': { precedence: 60, rightAssoc: false },
  '%': { precedence: 60, rightAssoc: false },
  '**': { precedence: 100, rightAssoc: true },
  '^': { precedence: 100, rightAssoc: true },
  '??': { precedence: 500, rightAssoc: false },
};

export function binaryInfo(op: string): OperatorInfo | undefined {
  return Object.prototype.hasOwnProperty.call(BINARY, op) ? BINARY[op] : undefined;
}

export function unaryInfo(op: string): OperatorInfo | undefined {
  return Object.prototype.hasOwnProperty.call(UNARY, op) ? UNARY[op] : undefined;
}

/** Ordering operators chain: `a < b < c` is `a < b && b < c` (`==` and `in` do not chain). */
export function isComparison(op: string): boolean {
  return op === '<' || op === '>' || op === '<=' || op === '>=';
}

export const NEGATABLE_OPERATORS: ReadonlySet<string> = new Set(['contains', 'matches', 'startsWith', 'endsWith', 'in']);
