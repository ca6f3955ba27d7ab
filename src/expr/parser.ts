import type { ArrayNode, MapNode, MemberNode, Node, PredicateNode } from './ast.js';
import { ExprSyntaxError } from './errors.js';
import { lex, LexError, isValidIdentifier, type Token, type TokenKind } from './lexer.js';
import { binaryInfo, isComparison, NEGATABLE_OPERATORS, unaryInfo } from './operator-table.js';

/** Builtins whose second argument is a predicate (closure); `?` marks an optional trailing argument. */
const PREDICATE_ARGS: Readonly<Record<string, readonly string[]>> = {
  all: ['expr', 'pred'],
  none: ['expr', 'pred'],
  any: ['expr', 'pred'],
  one: ['expr', 'pred'],
  filter: ['expr', 'pred'],
  map: ['expr', 'pred'],
  count: ['expr', 'pred?'],
  sum: ['expr', 'pred?'],
  find: ['expr', 'pred'],
  findIndex: ['expr', 'pred'],
  findLast: ['expr', 'pred'],
  findLastIndex: ['expr', 'pred'],
  groupBy: ['expr', 'pred'],
  sortBy: ['expr', 'pred', 'expr?'],
  reduce: ['expr', 'pred', 'expr?'],
};

export function isPredicateBuiltin(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(PREDICATE_ARGS, name);
}

export interface ParseOptions {
  /** Names of the non-predicate builtins (calls to them become Builtin nodes). */
  builtins: ReadonlySet<string>;
  /** A name defined by the environment or the functions table takes precedence over a builtin. */
  isOverridden(name: string): boolean;
}

class ParseError extends Error {
  readonly pos: number;
  constructor(message: string, pos: number) {
    super(message);
    this.pos = pos;
  }
}

function describe(t: Token): string {
  if (t.value === '') return t.kind;
  return `${t.kind}(${JSON.stringify(t.value)})`;
}

class Parser {
  private readonly tokens: Token[];
  private index = 0;
  private current: Token;
  private depth = 0; // predicate nesting
  private readonly options: ParseOptions;

  constructor(tokens: Token[], options: ParseOptions) {
    this.tokens = tokens;
    this.current = tokens[0];
    this.options = options;
  }

  private fail(message: string, token: Token = this.current): never {
    throw new ParseError(message, token.pos);
  }

  private next(): void {
    this.index++;
    if (this.index >= this.tokens.length) this.fail('unexpected end of expression');
    this.current = this.tokens[this.index];
  }

  private is(kind: TokenKind, value?: string): boolean {
    return this.current.kind === kind && (value === undefined || this.current.value === value);
  }

  private expect(kind: TokenKind, value?: string): void {
    if (this.is(kind, value)) this.next();
    else this.fail(`unexpected token ${describe(this.current)}`);
  }

  parse(): Node {
    const node = this.parseSequence();
    if (!this.is('EOF')) this.fail(`unexpected token ${describe(this.current)}`);
    return node;
  }

  private parseSequence(): Node {
    const nodes = [this.parseExpression(0)];
    while (this.is('Operator', ';')) {
      this.next();
      if (this.is('EOF')) break;
      nodes.push(this.parseExpression(0));
    }
    return nodes.length === 1 ? nodes[0] : { type: 'Sequence', nodes, pos: nodes[0].pos };
  }

  private parseExpression(precedence: number): Node {
    if (precedence === 0 && this.is('Operator', 'let')) return this.parseLet();
    if (precedence === 0 && this.is('Operator', 'if')) return this.parseIf();

    let left = this.parsePrimary();
    let prevOperator = '';
    let opToken = this.current;
    while (opToken.kind === 'Operator') {
      let negate = false;
      let notToken: Token | null = null;
      if (opToken.value === 'not') {
        const saved = this.index;
        this.next();
        if (!NEGATABLE_OPERATORS.has(this.current.value)) this.fail(`unexpected token ${describe(this.current)}`);
        const info = binaryInfo(this.current.value);
        if (info && info.precedence >= precedence) {
          negate = true;
          notToken = opToken;
          opToken = this.current;
        } else {
          this.index = saved;
          this.current = this.tokens[saved];
          break;
        }
      }
      const info = binaryInfo(opToken.value);
      if (!info || info.precedence < precedence) break;
      this.next();

      if (opToken.value === '|') {
        const ident = this.current;
        this.expect('Identifier');
        left = this.parseCall(ident, [left], true);
      } else {
        if (prevOperator === '??' && opToken.value !== '??') {
          this.fail(
            `Operator (${opToken.value}) and coalesce expressions (??) cannot be mixed. Wrap either by parentheses.`,
            opToken,
          );
        }
        if (isComparison(opToken.value)) {
          left = this.parseComparison(left, opToken, info.precedence);
        } else {
          const right = this.parseExpression(info.rightAssoc ? info.precedence : info.precedence + 1);
          left = { type: 'Binary', op: opToken.value, left, right, pos: opToken.pos };
          if (negate && notToken) left = { type: 'Unary', op: 'not', node: left, pos: notToken.pos };
        }
      }
      prevOperator = opToken.value;
      opToken = this.current;
    }
    if (precedence === 0) left = this.parseConditional(left);
    return left;
  }

  private parseLet(): Node {
    this.expect('Operator', 'let');
    const name = this.current;
    this.expect('Identifier');
    this.expect('Operator', '=');
    const value = this.parseExpression(0);
    this.expect('Operator', ';');
    const body = this.parseSequence();
    return { type: 'Let', name: name.value, value, body, pos: name.pos };
  }

  private parseIf(): Node {
    const ifToken = this.current;
    this.next();
    const cond = this.parseExpression(0);
    this.expect('Bracket', '{');
    const then = this.parseSequence();
    this.expect('Bracket', '}');
    this.expect('Operator', 'else');
    let otherwise: Node;
    if (this.is('Operator', 'if')) {
      otherwise = this.parseIf();
    } else {
      this.expect('Bracket', '{');
      otherwise = this.parseSequence();
      this.expect('Bracket', '}');
    }
    return { type: 'Conditional', cond, then, otherwise, pos: ifToken.pos };
  }

  private parseConditional(node: Node): Node {
    while (this.is('Operator', '?')) {
      const q = this.current;
      this.next();
      let then: Node;
      let otherwise: Node;
      if (!this.is('Operator', ':')) {
        then = this.parseExpression(0);
        this.expect('Operator', ':');
        otherwise = this.parseExpression(0);
      } else {
        this.next();
        then = node;
        otherwise = this.parseExpression(0);
      }
      node = { type: 'Conditional', cond: node, then, otherwise, pos: q.pos };
    }
    return node;
  }

  private parsePrimary(): Node {
    const token = this.current;
    if (token.kind === 'Operator') {
      const info = unaryInfo(token.value);
      if (info) {
        this.next();
        const operand = this.parseExpression(info.precedence);
        return this.parsePostfix({ type: 'Unary', op: token.value, node: operand, pos: token.pos });
      }
    }
    if (this.is('Bracket', '(')) {
      this.next();
      const inner = this.parseSequence();
      this.expect('Bracket', ')');
      return this.parsePostfix(inner);
    }
    if (token.kind === 'Operator' && (token.value === '#' || token.value === '.')) {
      if (this.depth === 0) this.fail('cannot use pointer accessor outside predicate');
      let name = '';
      if (token.value === '#') {
        this.next();
        if (this.is('Identifier')) {
          name = this.current.value;
          this.next();
        }
      }
      return this.parsePostfix({ type: 'Pointer', name, pos: token.pos });
    }
    if (this.is('Operator', '::')) {
      this.next();
      const ident = this.current;
      this.expect('Identifier');
      return this.parsePostfix(this.parseCall(ident, [], false));
    }
    return this.parseSecondary();
  }

  private parseSecondary(): Node {
    const token = this.current;
    let node: Node;
    switch (token.kind) {
      case 'Identifier':
        this.next();
        if (token.value === 'true' || token.value === 'false') {
          return { type: 'Bool', value: token.value === 'true', pos: token.pos };
        }
        if (token.value === 'nil') return { type: 'Nil', pos: token.pos };
        if (this.is('Bracket', '(')) node = this.parseCall(token, [], true);
        else node = { type: 'Identifier', name: token.value, pos: token.pos };
        break;
      case 'Number':
        this.next();
        return this.numberNode(token);
      case 'String':
        this.next();
        node = { type: 'String', value: token.value, pos: token.pos };
        break;
      default:
        if (this.is('Bracket', '[')) node = this.parseArray(token);
        else if (this.is('Bracket', '{')) node = this.parseMap(token);
        else this.fail(`unexpected token ${describe(token)}`);
    }
    return this.parsePostfix(node);
  }

  private numberNode(token: Token): Node {
    const text = token.value.replace(/_/g, '');
    const lower = text.toLowerCase();
    const pos = token.pos;
    const int = (digits: string, radix: 2 | 8 | 10 | 16, what: string): Node => {
      const valid = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-f]+$/ }[radix];
      if (!valid.test(digits)) {
        this.fail(`invalid ${what} literal: strconv.ParseInt: parsing ${JSON.stringify(text)}: invalid syntax`, token);
      }
      const big = BigInt(radix === 10 ? digits : `0${{ 2: 'b', 8: 'o', 16: 'x' }[radix]}${digits}`);
      if (big > 9223372036854775807n) this.fail('integer literal is too large', token);
      return { type: 'Integer', value: Number(big), pos };
    };
    if (lower.startsWith('0x')) return int(lower.slice(2), 16, 'hex');
    if (lower.includes('.') || lower.includes('e')) {
      if (!/^(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/.test(lower)) {
        this.fail(`invalid float literal: strconv.ParseFloat: parsing ${JSON.stringify(text)}: invalid syntax`, token);
      }
      const value = Number(lower);
      if (!Number.isFinite(value)) this.fail('float literal is too large', token);
      return { type: 'Float', value, pos };
    }
    if (lower.startsWith('0b')) return int(lower.slice(2), 2, 'binary');
    if (lower.startsWith('0o')) return int(lower.slice(2), 8, 'octal');
    return int(lower, 10, 'integer');
  }

  private parseCall(token: Token, args: Node[], checkOverrides: boolean): Node {
    const name = token.value;
    const overridden = checkOverrides && this.options.isOverridden(name);
    const spec = isPredicateBuiltin(name) && !overridden ? PREDICATE_ARGS[name] : undefined;
    if (spec) {
      this.expect('Bracket', '(');
      const rest = spec.slice(args.length);
      for (let i = 0; i < rest.length; i++) {
        const arg = rest[i];
        if (arg.endsWith('?')) {
          if (this.is('Bracket', ')')) break;
        } else if (this.is('Bracket', ')')) {
          this.fail(`expected at least ${rest.length} arguments`);
        }
        if (i > 0) this.expect('Operator', ',');
        args.push(arg.startsWith('pred') ? this.parsePredicate() : this.parseExpression(0));
      }
      if (this.is('Operator', ',')) this.next();
      this.expect('Bracket', ')');
      return { type: 'Builtin', name, args, pos: token.pos };
    }
    if (this.options.builtins.has(name) && !overridden) {
      return { type: 'Builtin', name, args: this.parseArguments(args), pos: token.pos };
    }
    return {
      type: 'Call',
      callee: { type: 'Identifier', name, pos: token.pos },
      args: this.parseArguments(args),
      pos: token.pos,
    };
  }

  private parseArguments(args: Node[]): Node[] {
    const offset = args.length;
    this.expect('Bracket', '(');
    while (!this.is('Bracket', ')')) {
      if (args.length > offset) this.expect('Operator', ',');
      if (this.is('Bracket', ')')) break;
      args.push(this.parseExpression(0));
    }
    this.expect('Bracket', ')');
    return args;
  }

  private parsePredicate(): PredicateNode {
    const start = this.current;
    const braces = this.is('Bracket', '{');
    if (braces) this.next();
    this.depth++;
    let node: Node;
    if (braces) {
      node = this.parseSequence();
    } else {
      node = this.parseExpression(0);
      if (this.is('Operator', ';')) this.fail('wrap predicate with brackets { and }');
    }
    this.depth--;
    if (braces) this.expect('Bracket', '}');
    return { type: 'Predicate', node, pos: start.pos };
  }

  private parseArray(token: Token): ArrayNode {
    const nodes: Node[] = [];
    this.expect('Bracket', '[');
    while (!this.is('Bracket', ']')) {
      if (nodes.length > 0) {
        this.expect('Operator', ',');
        if (this.is('Bracket', ']')) break;
      }
      nodes.push(this.parseExpression(0));
    }
    this.expect('Bracket', ']');
    return { type: 'Array', nodes, pos: token.pos };
  }

  private parseMap(token: Token): MapNode {
    this.expect('Bracket', '{');
    const pairs: { key: Node; value: Node }[] = [];
    while (!this.is('Bracket', '}')) {
      if (pairs.length > 0) {
        this.expect('Operator', ',');
        if (this.is('Bracket', '}')) break;
        if (this.is('Operator', ',')) this.fail(`unexpected token ${describe(this.current)}`);
      }
      let key: Node;
      if (this.is('Number') || this.is('String') || this.is('Identifier')) {
        key = { type: 'String', value: this.current.value, pos: this.current.pos };
        this.next();
      } else if (this.is('Bracket', '(')) {
        key = this.parseExpression(0);
      } else {
        this.fail(
          `a map key must be a quoted string, a number, a identifier, or an expression enclosed in parentheses (unexpected token ${describe(this.current)})`,
        );
      }
      this.expect('Operator', ':');
      pairs.push({ key, value: this.parseExpression(0) });
    }
    this.expect('Bracket', '}');
    return { type: 'Map', pairs, pos: token.pos };
  }

  private parsePostfix(start: Node): Node {
    let node = start;
    let postfix = this.current;
    while (postfix.kind === 'Operator' || postfix.kind === 'Bracket') {
      const optional = postfix.value === '?.';
      if (postfix.value === '.' || postfix.value === '?.') {
        this.next();
        const prop = this.current;
        if (optional && prop.kind === 'Bracket' && prop.value === '[') {
          node = this.parseIndex(node, prop, true);
          postfix = this.current;
          continue;
        }
        this.next();
        if (prop.kind !== 'Identifier' && (prop.kind !== 'Operator' || !isValidIdentifier(prop.value))) {
          this.fail('expected name', prop);
        }
        const isChain = node.type === 'Chain';
        const base = node.type === 'Chain' ? node.node : node;
        const member: MemberNode = {
          type: 'Member',
          node: base,
          property: { type: 'String', value: prop.value, pos: prop.pos },
          optional,
          method: false,
          pos: prop.pos,
        };
        if (this.is('Bracket', '(')) {
          member.method = true;
          node = { type: 'Call', callee: member, args: this.parseArguments([]), pos: prop.pos };
        } else {
          node = member;
        }
        if (isChain || optional) node = { type: 'Chain', node, pos: prop.pos };
      } else if (postfix.value === '[') {
        node = this.parseIndex(node, postfix, false);
      } else {
        break;
      }
      postfix = this.current;
    }
    return node;
  }

  /** After `[` (current token): an index `a[i]` or a slice `a[i:j]`. */
  private parseIndex(node: Node, bracket: Token, optional: boolean): Node {
    this.next();
    if (this.is('Operator', ':')) {
      this.next();
      const to = this.is('Bracket', ']') ? null : this.parseExpression(0);
      this.expect('Bracket', ']');
      return { type: 'Slice', node, from: null, to, pos: bracket.pos };
    }
    const from = this.parseExpression(0);
    if (this.is('Operator', ':')) {
      this.next();
      const to = this.is('Bracket', ']') ? null : this.parseExpression(0);
      this.expect('Bracket', ']');
      return { type: 'Slice', node, from, to, pos: bracket.pos };
    }
    // Unlike `.name`, an index does not extend an optional chain: `a?.b[0]` fetches 0 from the chain's result.
    let result: Node = { type: 'Member', node, property: from, optional, method: false, pos: bracket.pos };
    if (optional) result = { type: 'Chain', node: result, pos: bracket.pos };
    this.expect('Bracket', ']');
    return result;
  }

  private parseComparison(left: Node, token: Token, precedence: number): Node {
    let root: Node | null = null;
    let op = token;
    for (;;) {
      const right = this.parseExpression(precedence + 1);
      const cmp: Node = { type: 'Binary', op: op.value, left, right, pos: op.pos };
      root = root === null ? cmp : { type: 'Binary', op: '&&', left: root, right: cmp, pos: op.pos };
      left = right;
      op = this.current;
      if (!(op.kind === 'Operator' && isComparison(op.value))) break;
      this.next();
    }
    return root;
  }
}

/** Parses expression text into a tree; throws ExprSyntaxError with the position of the first problem. */
/** expr-lang's default limit on the size of a tree (conf.DefaultMaxNodes). */
const MAX_NODES = 10_000;

function countNodes(n: Node): number {
  switch (n.type) {
    case 'Unary':
    case 'Chain':
    case 'Predicate':
      return 1 + countNodes(n.node);
    case 'Binary':
      return 1 + countNodes(n.left) + countNodes(n.right);
    case 'Member':
      return 1 + countNodes(n.node) + countNodes(n.property);
    case 'Slice':
      return 1 + countNodes(n.node) + (n.from ? countNodes(n.from) : 0) + (n.to ? countNodes(n.to) : 0);
    case 'Call':
      return 1 + countNodes(n.callee) + n.args.reduce((t, a) => t + countNodes(a), 0);
    case 'Builtin':
      return 1 + n.args.reduce((t, a) => t + countNodes(a), 0);
    case 'Let':
      return 1 + countNodes(n.value) + countNodes(n.body);
    case 'Sequence':
    case 'Array':
      return 1 + n.nodes.reduce((t, a) => t + countNodes(a), 0);
    case 'Conditional':
      return 1 + countNodes(n.cond) + countNodes(n.then) + countNodes(n.otherwise);
    case 'Map':
      return 1 + n.pairs.reduce((t, p) => t + 1 + countNodes(p.key) + countNodes(p.value), 0);
    default:
      return 1;
  }
}

export function parse(source: string, options: ParseOptions, origin?: string): Node {
  try {
    const tree = new Parser(lex(source), options).parse();
    if (countNodes(tree) > MAX_NODES) {
      throw new ParseError('compilation failed: expression exceeds maximum allowed nodes', 0);
    }
    return tree;
  } catch (err) {
    if (err instanceof ParseError || err instanceof LexError) {
      throw new ExprSyntaxError(err.message, source, err.pos, origin);
    }
    if (err instanceof RangeError) {
      throw new ExprSyntaxError('expression is nested too deeply', source, 0, origin);
    }
    throw err;
  }
}
