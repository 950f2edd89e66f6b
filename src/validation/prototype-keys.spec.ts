import { prototypeKeyPaths, unknownFieldMessage } from './prototype-keys.js';

describe('prototypeKeyPaths', () => {
  const parsed = (json: string): unknown => JSON.parse(json);

  it('finds own __proto__, constructor and prototype keys as JSON.parse makes them', () => {
    const value = parsed('{"__proto__":{"x":1},"constructor":{"prototype":{}},"a":{"prototype":2}}');
    expect(prototypeKeyPaths(value, { deep: true }).sort()).toEqual([
      '__proto__',
      'a.prototype',
      'constructor',
    ]);
  });

  it('looks at the top level only unless deep', () => {
    expect(prototypeKeyPaths(parsed('{"a":{"__proto__":1}}'), { deep: false })).toEqual([]);
    expect(prototypeKeyPaths(parsed('{"__proto__":1}'), { deep: false })).toEqual(['__proto__']);
  });

  it('walks arrays by index and skips binary values', () => {
    const value = { list: [1, parsed('{"constructor":1}')], bytes: Buffer.from('__proto__') };
    expect(prototypeKeyPaths(value, { deep: true })).toEqual(['list[1].constructor']);
  });

  it('finds nothing in ordinary data, including inherited names such as toString', () => {
    expect(
      prototypeKeyPaths({ channel: 'public:x', since: { offset: 1, epoch: 'e' } }, { deep: true }),
    ).toEqual([]);
    expect(prototypeKeyPaths(['__proto__', 'constructor'], { deep: true })).toEqual([]);
  });

  it('words the refusal as for any unknown field', () => {
    expect(unknownFieldMessage('since.__proto__')).toBe('property __proto__ should not exist');
  });
});
