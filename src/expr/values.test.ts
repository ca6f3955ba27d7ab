import { describe, expect, it } from 'vitest';
import { GoDuration } from './go-duration.js';
import { GoTime } from './go-time.js';
import { createStringMap, exprTypeName, goTypeOf, isPlainMap, isStringMap, withResultKind } from './values.js';

describe('the value model', () => {
  it('tells StringMaps from other maps and structs', () => {
    const sm = createStringMap({ a: 'b' });
    expect(isStringMap(sm)).toBe(true);
    expect(isPlainMap(sm)).toBe(false);
    expect(isStringMap({ a: 'b' })).toBe(false);
    expect(isPlainMap({ a: 1 })).toBe(true);
    expect(isPlainMap(Object.create(null))).toBe(true);
    class S {}
    expect(isPlainMap(new S())).toBe(false);
    expect(Object.keys(sm)).toEqual(['a']);
    expect(JSON.stringify(sm)).toBe('{"a":"b"}');
  });

  it("names types as Go's %T and expr-lang's type() do", () => {
    expect([null, true, 1, 1.5, 's', [1], {}, createStringMap()].map((v) => goTypeOf(v))).toEqual([
      '<nil>',
      'bool',
      'int',
      'float64',
      'string',
      '[]interface {}',
      'map[string]interface {}',
      'map[string]string',
    ]);
    expect(goTypeOf(3, 'float')).toBe('float64');
    expect(goTypeOf(2 ** 64)).toBe('float64');
    expect(exprTypeName(new GoDuration(1))).toBe('time.Duration');
    expect(exprTypeName(GoTime.zero())).toBe('time.Time');
    class Alert {
      static goTypeName = 'models.Alert';
    }
    expect(exprTypeName(new Alert())).toBe('models.Alert');
  });

  it('lets functions declare the kind of their result', () => {
    const f = withResultKind((s: string) => Number(s), 'float');
    expect(f.resultKind).toBe('float');
    expect(f('2')).toBe(2);
  });
});
