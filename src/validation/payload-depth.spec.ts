import { nestsDeeperThan } from './payload-depth.js';

const nested = (levels: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { a: value };
  return value;
};

describe('nestsDeeperThan', () => {
  it.each([
    ['a scalar', 'x', 0, false],
    ['an empty object at depth 1', {}, 1, false],
    ['an empty object past depth 0', {}, 0, true],
    ['32 levels', nested(32), 32, false],
    ['33 levels', nested(33), 32, true],
    ['a deep branch beside shallow ones', { a: 1, b: [2, 3], c: nested(40) }, 32, true],
  ])('%s', (_name, value, max, expected) => {
    expect(nestsDeeperThan(value, max)).toBe(expected);
  });

  it('answers for 10,000 levels without overflowing the stack', () => {
    expect(nestsDeeperThan(JSON.parse('['.repeat(10_000) + ']'.repeat(10_000)), 32)).toBe(true);
  });
});
