import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findOne, mongoMatches } from './mongo-match.js';

const docs = [
  { username: 'alice', password: 'Alice#1', age: 31 },
  { username: 'bob', password: 'Bob#2', age: 45 },
];

describe('mongoMatches', () => {
  it('matches plain values by equality, as a login lookup expects', () => {
    expect(findOne(docs, { username: 'bob', password: 'Bob#2' })).toBe(docs[1]);
    expect(findOne(docs, { username: 'bob', password: 'Alice#1' })).toBeUndefined();
    expect(findOne(docs, { username: 'carol' })).toBeUndefined();
  });

  it('honours $ne, $gt, $gte, $lt, $lte, $in, $nin, $exists and $regex on object values', () => {
    const alice = docs[0];
    expect(mongoMatches(alice, { password: { $ne: null } })).toBe(true);
    expect(mongoMatches(alice, { password: { $ne: 'Alice#1' } })).toBe(false);
    expect(mongoMatches(alice, { password: { $gt: '' } })).toBe(true);
    expect(mongoMatches(alice, { age: { $gte: 31, $lt: 32 } })).toBe(true);
    expect(mongoMatches(alice, { age: { $lte: 30 } })).toBe(false);
    expect(mongoMatches(alice, { username: { $in: ['x', 'alice'] } })).toBe(true);
    expect(mongoMatches(alice, { username: { $nin: ['alice'] } })).toBe(false);
    expect(mongoMatches(alice, { email: { $exists: false } })).toBe(true);
    expect(mongoMatches(alice, { password: { $regex: '^al', $options: 'i' } })).toBe(true);
    expect(mongoMatches(alice, { password: { $regex: '^al' } })).toBe(false);
  });

  it('matches nothing for unknown operators, invalid regexes, mixed-type comparisons or inherited keys', () => {
    const alice = docs[0];
    expect(mongoMatches(alice, { password: { $where: 'true' } })).toBe(false);
    expect(mongoMatches(alice, { password: { $regex: '(' } })).toBe(false);
    expect(mongoMatches(alice, { age: { $gt: '1' } })).toBe(false);
    expect(mongoMatches(alice, { constructor: { $exists: true } })).toBe(false);
    expect(mongoMatches(alice, 'alice')).toBe(false);
  });

  it('never throws and stays fast on arbitrary JSON filters, backtracking-shaped regexes included', () => {
    const started = Date.now();
    expect(mongoMatches({ s: 'a'.repeat(5000) + '!' }, { s: { $regex: '^(a+)+$' } })).toBe(false);
    fc.assert(
      fc.property(fc.jsonValue(), (filter) => {
        expect(typeof mongoMatches(docs[0], filter)).toBe('boolean');
      }),
      { seed: 7, numRuns: 500 },
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
