import { hasMember, membersOf, type OneOrMany, sizeOf, withMember, withoutMember } from './one-or-many.js';

describe('OneOrMany', () => {
  it('holds one member as itself and grows into a Set from the second', () => {
    let entry: OneOrMany<string> | undefined = withMember(undefined, 'a');
    expect(entry).toBe('a');
    expect(withMember(entry, 'a')).toBe('a');
    entry = withMember(entry, 'b');
    expect(entry).toEqual(new Set(['a', 'b']));
    entry = withMember(entry, 'c');
    expect(sizeOf(entry)).toBe(3);
    expect(hasMember(entry, 'b')).toBe(true);
    expect(hasMember(entry, 'z')).toBe(false);
    expect(membersOf(entry)).toEqual(['a', 'b', 'c']);
  });

  it('shrinks back to the member itself, then to undefined', () => {
    let entry: OneOrMany<string> | undefined = new Set(['a', 'b', 'c']);
    entry = withoutMember(entry, 'b');
    expect(entry).toEqual(new Set(['a', 'c']));
    entry = withoutMember(entry, 'a');
    expect(entry).toBe('c');
    expect(withoutMember(entry, 'x')).toBe('c');
    entry = withoutMember(entry, 'c');
    expect(entry).toBeUndefined();
    expect(sizeOf(entry)).toBe(0);
    expect(membersOf(entry)).toEqual([]);
    expect(hasMember(entry, 'c')).toBe(false);
  });
});
