import { parseProductEtag, productEtag } from '../../src/domain/product';
import { ifMatchVersions } from '../../src/http/conditional-requests';

describe('product ETags', () => {
  it('names the row and stock versions, and reads back only its own strong tags', () => {
    const etag = productEtag({ rowVersion: 3, stockVersion: 17 });
    expect(etag).toBe('"3-17"');
    expect(parseProductEtag(etag)).toEqual({ rowVersion: 3, stockVersion: 17 });
    for (const other of ['W/"3-17"', '3-17', '"3"', '"a-b"', '"99999999999-1"']) {
      expect(parseProductEtag(other)).toBeUndefined();
    }
  });
});

describe('If-Match', () => {
  it('is absent, any, or the versions of its strong tags', () => {
    expect(ifMatchVersions('')).toBeUndefined();
    expect(ifMatchVersions('*')).toBe('any');
    expect(ifMatchVersions('"1-0", W/"2-0", "x"')).toEqual([{ rowVersion: 1, stockVersion: 0 }]);
    expect(ifMatchVersions('W/"2-0"')).toEqual([]);
  });
});
