/**
 * The grok pattern library: named Go regexes that may reference each other with `%{NAME}` or
 * `%{NAME:semantic}`, as CrowdSec's grokky keeps them. The first definition of a name wins; a
 * later one is ignored and recorded in `duplicates` (CrowdSec warns "already registered").
 * Adding validates the expression as grokky's Add does: every referenced name must exist and the
 * expanded expression must parse.
 */

import { HerdError } from '../core/index.js';
import { parseGoRegex } from './go-regex-syntax.js';

/** grokky's reference syntax: `%{NAME}` or `%{NAME:semantic}` (`%{A:b:c}` is left as text). */
const REFERENCE = /%\{(\w+)(:(\w+))?\}/g;

export interface PatternDefinition {
  readonly name: string;
  readonly expression: string;
  /** Where it was defined (`file:line`, or what the caller said). */
  readonly origin: string;
}

export interface DuplicatePattern {
  readonly name: string;
  readonly kept: PatternDefinition;
  readonly ignored: PatternDefinition;
  readonly sameExpression: boolean;
}

/** A library pattern expanded to a plain Go regex. */
export interface GrokExpansion {
  readonly regex: string;
  /** Semantic → offset in `regex` of the `(` of the group that wraps its reference. */
  readonly semantics: ReadonlyMap<string, number>;
}

export class PatternLibrary {
  private readonly definitions = new Map<string, PatternDefinition>();
  private readonly expansions = new Map<string, GrokExpansion>();
  private readonly ignored: DuplicatePattern[] = [];

  /**
   * A library starting with this one's patterns, to which a set of content adds its own
   * (`pattern_syntax`) without changing this one. Definitions are never replaced (the first wins),
   * so the expansions already computed stay valid and are shared.
   */
  fork(): PatternLibrary {
    const copy = new PatternLibrary();
    for (const [k, v] of this.definitions) copy.definitions.set(k, v);
    for (const [k, v] of this.expansions) copy.expansions.set(k, v);
    return copy;
  }

  /** Names defined more than once: the first definition was kept. */
  get duplicates(): readonly DuplicatePattern[] {
    return this.ignored;
  }

  get size(): number {
    return this.definitions.size;
  }

  has(name: string): boolean {
    return this.definitions.has(name);
  }

  get(name: string): PatternDefinition | undefined {
    return this.definitions.get(name);
  }

  names(): string[] {
    return [...this.definitions.keys()];
  }

  /**
   * Adds a pattern; returns false (and records a duplicate) when the name already exists.
   * Throws HerdError when the expression is empty, references an unknown name or does not parse.
   */
  add(name: string, expression: string, origin = 'pattern_syntax'): boolean {
    if (name === '') throw new HerdError('HERD_GROK_PATTERN_INVALID', 'a grok pattern needs a name', { where: origin });
    if (expression === '') {
      throw new HerdError('HERD_GROK_PATTERN_INVALID', `grok pattern ${name} has an empty expression; give it a regex`, { where: origin });
    }
    const kept = this.definitions.get(name);
    const definition: PatternDefinition = { name, expression, origin };
    if (kept) {
      this.ignored.push({ name, kept, ignored: definition, sameExpression: kept.expression === expression });
      return false;
    }
    try {
      parseGoRegex(expandGrok(this, expression).regex);
    } catch (err) {
      if (err instanceof HerdError) {
        throw new HerdError(err.code, `grok pattern ${name}: ${err.message}`, { where: origin, cause: err });
      }
      throw err;
    }
    this.definitions.set(name, definition);
    return true;
  }

  /**
   * Adds several patterns that may reference each other, in an order that defines names before
   * their use (YAML maps have no order CrowdSec relies on). Returns the names that were duplicates.
   */
  addAll(entries: Iterable<readonly [string, string]>, origin = 'pattern_syntax'): string[] {
    const pending = new Map<string, string>();
    for (const [name, expression] of entries) if (!pending.has(name)) pending.set(name, expression);
    const duplicates: string[] = [];
    const visiting: string[] = [];
    const visit = (name: string): void => {
      const expression = pending.get(name);
      if (expression === undefined) return;
      if (visiting.includes(name)) {
        throw new HerdError(
          'HERD_GROK_RECURSION',
          `grok patterns reference each other in a loop: ${[...visiting.slice(visiting.indexOf(name)), name].join(' -> ')}; break the loop`,
          { where: origin },
        );
      }
      visiting.push(name);
      if (!this.definitions.has(name)) {
        for (const ref of expression.matchAll(REFERENCE)) visit(ref[1]);
      }
      visiting.pop();
      pending.delete(name);
      if (!this.add(name, expression, origin)) duplicates.push(name);
    };
    for (const name of [...pending.keys()]) visit(name);
    return duplicates;
  }

  /** The expansion of a defined name, computed once. */
  expansionOf(name: string, stack: readonly string[] = []): GrokExpansion {
    const cached = this.expansions.get(name);
    if (cached) return cached;
    const definition = this.definitions.get(name);
    if (!definition) throw unknownPattern(name, stack);
    const expansion = expandGrok(this, definition.expression, [...stack, name]);
    this.expansions.set(name, expansion);
    return expansion;
  }
}

function unknownPattern(name: string, stack: readonly string[]): HerdError {
  const inside = stack.length > 0 ? ` (referenced from ${stack.join(' -> ')})` : '';
  return new HerdError(
    'HERD_GROK_UNKNOWN_PATTERN',
    `grok pattern %{${name}} does not exist${inside}; define it in a patterns file or in pattern_syntax`,
  );
}

/**
 * Expands the references of a grok expression, as grokky does: each `%{NAME}` becomes
 * `(` + NAME's expansion + `)`; `%{NAME:sem}` maps `sem` to that group; the semantics inside NAME
 * are inherited unless this expression names the same semantic itself; when a semantic appears
 * twice the later one wins.
 */
export function expandGrok(library: PatternLibrary, expression: string, stack: readonly string[] = []): GrokExpansion {
  const refs = [...expression.matchAll(REFERENCE)];
  if (refs.length === 0) return { regex: expression, semantics: new Map() };
  const own = new Set<string>();
  for (const ref of refs) {
    if (!library.has(ref[1])) throw unknownPattern(ref[1], stack);
    if (ref[3] !== undefined) own.add(ref[3]);
  }
  const semantics = new Map<string, number>();
  let regex = '';
  let last = 0;
  for (const ref of refs) {
    const name = ref[1];
    if (stack.includes(name)) {
      throw new HerdError(
        'HERD_GROK_RECURSION',
        `grok patterns reference each other in a loop: ${[...stack.slice(stack.indexOf(name)), name].join(' -> ')}; break the loop`,
      );
    }
    regex += expression.slice(last, ref.index);
    const sub = library.expansionOf(name, stack);
    const open = regex.length;
    regex += `(${sub.regex})`;
    const semantic = ref[3];
    if (semantic !== undefined) {
      semantics.delete(semantic);
      semantics.set(semantic, open);
    }
    for (const [inner, offset] of sub.semantics) {
      if (own.has(inner)) continue;
      semantics.delete(inner);
      semantics.set(inner, open + 1 + offset);
    }
    last = (ref.index ?? 0) + ref[0].length;
  }
  regex += expression.slice(last);
  return { regex, semantics };
}
