import { entityTags, noneMatch } from '../../src/http/entity-tags';

describe('entity tags', () => {
  it('splits a header into its tags, keeping W/ prefixes and dropping empty entries', () => {
    expect(entityTags(' "a", W/"b" ,, "c"')).toEqual(['"a"', 'W/"b"', '"c"']);
    expect(entityTags('')).toEqual([]);
  });

  it('If-None-Match compares weakly and understands lists and *', () => {
    expect(noneMatch('', '"1-0"')).toBe(true);
    expect(noneMatch('"1-0"', '"1-0"')).toBe(false);
    expect(noneMatch('W/"1-0"', '"1-0"')).toBe(false);
    expect(noneMatch('"x", "1-0"', '"1-0"')).toBe(false);
    expect(noneMatch('*', '"1-0"')).toBe(false);
    expect(noneMatch('"1-1"', '"1-0"')).toBe(true);
  });
});
