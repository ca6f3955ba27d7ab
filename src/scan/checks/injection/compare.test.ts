import { describe, expect, it } from 'vitest';
import type { ScanResponse } from '../../model.js';
import { isEmptyResult, itemCount, Reference, sameShape, snapshot, textSimilarity } from './compare.js';

const res = (status: number, body: unknown): ScanResponse => ({
  status,
  headers: {},
  body: typeof body === 'string' ? body : JSON.stringify(body),
  truncated: false,
  timeMs: 5,
});

describe('comparing answers', () => {
  const page = (n: number, extra: Record<string, unknown> = {}) => ({ items: Array.from({ length: n }, (_, i) => ({ id: i, name: `p${i}` })), ...extra });

  it('treats fields that differ between two baselines as volatile', () => {
    const ref = new Reference([snapshot(res(200, page(3, { requestId: 'a', n: 1 }))), snapshot(res(200, page(3, { requestId: 'b', n: 2 })))]);
    expect(ref.same(snapshot(res(200, page(3, { requestId: 'c', n: 9 }))))).toBe(true);
    expect(ref.differs(snapshot(res(200, page(3, { requestId: 'c', n: 9 }))))).toBe(false);
  });

  it('tells a smaller result, another status and another value apart from the baseline', () => {
    const ref = new Reference([snapshot(res(200, page(3))), snapshot(res(200, page(3)))]);
    for (const other of [res(200, page(0)), res(404, page(3)), res(200, { items: [{ id: 0, name: 'x' }, { id: 1, name: 'p1' }, { id: 2, name: 'p2' }] })]) {
      expect(ref.same(snapshot(other))).toBe(false);
      expect(ref.differs(snapshot(other))).toBe(true);
    }
  });

  it('puts an echoed payload back to the baseline value before comparing, JSON-escaped or HTML-escaped', () => {
    const ref = new Reference([snapshot(res(200, { q: 'lamp', items: [] })), snapshot(res(200, { q: 'lamp', items: [] }))]);
    const payload = `lamp' AND "x"<y`;
    expect(ref.same(snapshot(res(200, { q: payload, items: [] }), [[payload, 'lamp']]))).toBe(true);
    const html = new Reference([snapshot(res(200, '<h1>lamp</h1>'))]);
    expect(html.same(snapshot(res(200, `<h1>lamp&#39; AND &quot;x&quot;&lt;y</h1>`), [[payload, 'lamp']]))).toBe(true);
  });

  it('compares non-JSON answers by text similarity', () => {
    expect(textSimilarity('a b c d', 'a b c d')).toBe(1);
    expect(textSimilarity('a b c d', 'a b c e')).toBeCloseTo(0.75);
    const ref = new Reference([snapshot(res(200, 'one two three four five six seven eight nine ten'))]);
    expect(ref.same(snapshot(res(200, 'one two three four five six seven eight nine ten')))).toBe(true);
    expect(ref.differs(snapshot(res(200, 'nothing found')))).toBe(true);
  });

  it('counts items and recognizes empty results', () => {
    expect(itemCount({ data: { products: [1, 2, 3] }, tags: ['a'] })).toBe(3);
    expect(isEmptyResult(snapshot(res(200, { items: [], total: 0 })))).toBe(true);
    expect(isEmptyResult(snapshot(res(200, { id: 1 })))).toBe(false);
    expect(isEmptyResult(snapshot(res(200, '')))).toBe(true);
  });

  it('compares the shape of answers: keys, types and array sizes', () => {
    expect(sameShape(snapshot(res(200, { token: 'a' })), snapshot(res(200, { token: 'b' })))).toBe(true);
    expect(sameShape(snapshot(res(200, { token: 'a' })), snapshot(res(200, { error: 'b' })))).toBe(false);
    expect(sameShape(snapshot(res(200, page(2))), snapshot(res(200, page(3))))).toBe(false);
  });
});
