import { isValidNamePart, parseChannel } from './channel-name.js';

describe('parseChannel', () => {
  it.each([
    ['chat:lobby', 'chat', 'lobby'],
    ['user:alice@example.com', 'user', 'alice@example.com'],
    ['a:x', 'a', 'x'],
    ['team-1:A_b.c@d=e|f-g', 'team-1', 'A_b.c@d=e|f-g'],
    [`${'n'.repeat(32)}:${'x'.repeat(128)}`, 'n'.repeat(32), 'x'.repeat(128)],
  ])('accepts %s', (value, namespace, name) => {
    expect(parseChannel(value)).toEqual({ namespace, name, channel: value });
  });

  it.each([
    'lobby',
    ':lobby',
    'chat:',
    'Chat:lobby',
    '1chat:lobby',
    'chat:lob by',
    'chat:a:b',
    'chat:lobby/x',
    `${'n'.repeat(33)}:x`,
    `chat:${'x'.repeat(129)}`,
    42,
    null,
    undefined,
  ])('refuses %p', (value) => {
    expect(parseChannel(value)).toBeUndefined();
  });
});

describe('isValidNamePart', () => {
  it('follows the channel name rule', () => {
    expect(isValidNamePart('alice')).toBe(true);
    expect(isValidNamePart('')).toBe(false);
    expect(isValidNamePart('a b')).toBe(false);
    expect(isValidNamePart('x'.repeat(129))).toBe(false);
  });
});
