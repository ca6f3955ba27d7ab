/**
 * The syntax tree of an expression, shaped like expr-lang's: the parser builds it once, the compiler
 * turns it into closures. `pos` is the UTF-16 offset of the node's token in the source.
 */
export type Node =
  | NilNode
  | BoolNode
  | IntegerNode
  | FloatNode
  | StringNode
  | IdentifierNode
  | UnaryNode
  | BinaryNode
  | MemberNode
  | ChainNode
  | SliceNode
  | CallNode
  | BuiltinNode
  | PredicateNode
  | PointerNode
  | LetNode
  | SequenceNode
  | ConditionalNode
  | ArrayNode
  | MapNode;

interface At {
  pos: number;
}

export interface NilNode extends At {
  type: 'Nil';
}
export interface BoolNode extends At {
  type: 'Bool';
  value: boolean;
}
export interface IntegerNode extends At {
  type: 'Integer';
  value: number;
}
export interface FloatNode extends At {
  type: 'Float';
  value: number;
}
export interface StringNode extends At {
  type: 'String';
  value: string;
}
export interface IdentifierNode extends At {
  type: 'Identifier';
  name: string;
}
export interface UnaryNode extends At {
  type: 'Unary';
  op: string;
  node: Node;
}
export interface BinaryNode extends At {
  type: 'Binary';
  op: string;
  left: Node;
  right: Node;
}
export interface MemberNode extends At {
  type: 'Member';
  node: Node;
  property: Node;
  optional: boolean;
  /** The member is the callee of a method call (`a.b()`). */
  method: boolean;
}
/** Marks the end of an optional chain (`a?.b.c`): a nil met at a `?.` makes the whole chain nil. */
export interface ChainNode extends At {
  type: 'Chain';
  node: Node;
}
export interface SliceNode extends At {
  type: 'Slice';
  node: Node;
  from: Node | null;
  to: Node | null;
}
export interface CallNode extends At {
  type: 'Call';
  callee: Node;
  args: Node[];
}
export interface BuiltinNode extends At {
  type: 'Builtin';
  name: string;
  args: Node[];
}
/** The body of a closure argument of a predicate builtin (`{# > 1}` or a bare expression). */
export interface PredicateNode extends At {
  type: 'Predicate';
  node: Node;
}
/** `#` (name ''), `#index`, `#acc`, and the implicit `#` of `.Field` inside a predicate. */
export interface PointerNode extends At {
  type: 'Pointer';
  name: string;
}
export interface LetNode extends At {
  type: 'Let';
  name: string;
  value: Node;
  body: Node;
}
export interface SequenceNode extends At {
  type: 'Sequence';
  nodes: Node[];
}
export interface ConditionalNode extends At {
  type: 'Conditional';
  cond: Node;
  then: Node;
  otherwise: Node;
}
export interface ArrayNode extends At {
  type: 'Array';
  nodes: Node[];
}
export interface MapNode extends At {
  type: 'Map';
  pairs: { key: Node; value: Node }[];
}
