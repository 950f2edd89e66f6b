import { parseClusterCommand } from './cluster-command.js';

describe('parseClusterCommand', () => {
  it.each([
    { kind: 'disconnect', userId: 'ann', reconnect: true },
    { kind: 'revoke', userId: 'ann', before: 1732300000, until: 1732400000000 },
    { kind: 'kick', userId: 'ann', channel: 'chat:lobby' },
  ])('accepts %j', (command) => {
    expect(parseClusterCommand(command)).toEqual(command);
  });

  it.each([
    null,
    'disconnect',
    { kind: 'disconnect', userId: 'ann' },
    { kind: 'disconnect', userId: 'a b', reconnect: false },
    { kind: 'revoke', userId: 'ann', before: 1.5, until: 1 },
    { kind: 'kick', userId: 'ann', channel: 'lobby' },
    { kind: 'ban', userId: 'ann' },
  ])('ignores %j (another version, or garbage)', (value) => {
    expect(parseClusterCommand(value)).toBeUndefined();
  });

  it('keeps only the fields of the command', () => {
    expect(parseClusterCommand({ kind: 'disconnect', userId: 'ann', reconnect: false, extra: 1 })).toEqual({
      kind: 'disconnect',
      userId: 'ann',
      reconnect: false,
    });
  });
});
