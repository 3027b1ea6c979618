import { byName } from '../../platform/by-name.js';

describe('byName', () => {
  const list = [
    { name: 'a', n: 1 },
    { name: 'b', n: 2 },
    { name: 'a', n: 3 },
  ];

  it('finds the first entry of a name, like Array#find', () => {
    expect(byName(list, 'a')).toBe(list[0]);
    expect(byName(list, 'b')).toBe(list[1]);
  });

  it('answers undefined for a name that is not in the list', () => {
    expect(byName(list, 'c')).toBeUndefined();
  });

  it('indexes each list on its own', () => {
    expect(byName([{ name: 'a', n: 9 }], 'a')).toEqual({ name: 'a', n: 9 });
  });
});
