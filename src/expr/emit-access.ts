/**
 * What the code generator writes for reads and method calls (the twins of compile-access.ts's
 * closures): `fetchName` written out per read, paths read once per evaluation, method calls.
 */
import { CHAIN_NIL, type Compiled, type Emit, type Emitter } from './compile-types.js';
import { callMethod, fetchName, fromStruct } from './member-access.js';
import { STRING_MAP_PROTO } from './values.js';

const getPrototypeOf = Object.getPrototypeOf;
const isArray = Array.isArray;

/**
 * `fetchName(o, name)` written out, so that each read has a property access of its own (V8 then
 * sees one shape per site instead of every shape in fetchName). Same branches as fetchName; the
 * field is read before the prototype test, which lets V8 fold that test once it knows the shape.
 */
export function emitFetchName(g: Emitter, o: string, name: string): string {
  const k = g.constant(name);
  const v = g.temp();
  const p = g.temp();
  const smp = g.constant(STRING_MAP_PROTO);
  const op = g.constant(Object.prototype);
  const ap = g.constant(Array.prototype);
  const mp = g.constant(Map.prototype);
  const has = g.constant(Object.hasOwn);
  g.line(
    [
      `if (typeof ${o} === 'object' && ${o} !== null) {`,
      `${v} = ${o}[${k}];`,
      `${p} = ${g.constant(getPrototypeOf)}(${o});`,
      `if (${p} === ${smp}) { if (${v} === undefined) ${v} = ''; }`,
      `else if (${p} === ${op} || ${p} === null) { if (${v} === undefined || !${has}(${o}, ${k})) ${v} = null; }`,
      `else if (${p} === ${ap} || ${p} === ${mp}) ${v} = ${g.constant(fetchName)}(${o}, ${k});`,
      `else if (${v} === undefined || typeof ${v} === 'function' || ${g.constant(isArray)}(${o})) ${v} = ${g.constant(fromStruct)}(${o}, ${k}, ${v});`,
      `} else ${v} = ${g.constant(fetchName)}(${o}, ${k});`,
    ].join('\n'),
  );
  return v;
}

/** The key under which the generated code remembers the read of a variable and names after it. */
export function pathKey(root: string, names: readonly string[]): string {
  return JSON.stringify([root, ...names]);
}

/**
 * Generated code for a path: the variable, then one located fetchName per name. Each prefix is read
 * once per evaluation (`a.b.c` then `a.b.d` read `a.b` once): a read that succeeded gives the same
 * value again until a call may have changed the environment.
 */
export function emitPath(root: string, names: readonly string[], positions: readonly number[]): Emit {
  return (g) => {
    let o = g.reuse(pathKey(root, []), () => {
      const v = g.assign(`${g.env}[${g.constant(root)}]`);
      g.line(`if (${v} === undefined) ${v} = null;`);
      return v;
    });
    for (let i = 0; i < names.length; i++) {
      const from = o;
      o = g.reuse(pathKey(root, names.slice(0, i + 1)), () => g.located(positions[i], () => emitFetchName(g, from, names[i])));
    }
    return o;
  };
}

/** Generated code for a method call: the same checks as its closure, then a located callMethod. */
export function emitMethodCall(target: Compiled, name: string, args: Compiled[], optional: boolean, enumText: ((n: number) => string) | null, pos: number): Emit {
  return (g) => {
    const o = g.value(target);
    const chainNil = g.constant(CHAIN_NIL);
    const t = g.temp();
    const call = g.block(() => {
      const values = args.map((a) => g.value(a));
      const v = g.located(pos, () => `${g.constant(callMethod)}(${o}, ${g.constant(name)}, [${values.join(', ')}])`);
      g.forget(); // a method may change what it is called on (evt.SetMeta)
      g.line(`${t} = ${v} === undefined ? null : ${v};`);
    });
    let code = `if (${o} === ${chainNil}) ${t} = ${chainNil};`;
    if (optional) code += ` else if (${o} === null || ${o} === undefined) ${t} = ${chainNil};`;
    if (enumText !== null) code += ` else if (typeof ${o} === 'number') ${t} = ${g.constant(enumText)}(${o});`;
    g.line(`${code} else {${call}}`);
    return t;
  };
}
