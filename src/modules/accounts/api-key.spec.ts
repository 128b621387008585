import { hashApiKey, newApiKey, parseAuthorization, sameHash } from './api-key';

describe('api keys', () => {
  it('creates distinct keys whose hashes compare equal only to themselves', () => {
    const a = newApiKey();
    const b = newApiKey();
    expect(a).not.toBe(b);
    expect(sameHash(hashApiKey(a), hashApiKey(a))).toBe(true);
    expect(sameHash(hashApiKey(a), hashApiKey(b))).toBe(false);
  });

  it('reads Basic and Bearer headers', () => {
    const basic = `Basic ${Buffer.from('shop:se:cret').toString('base64')}`;
    expect(parseAuthorization(basic)).toEqual({ kind: 'basic', login: 'shop', apiKey: 'se:cret' });
    expect(parseAuthorization('Bearer abc')).toEqual({ kind: 'bearer', token: 'abc' });
    expect(parseAuthorization('Digest abc')).toBeUndefined();
    expect(parseAuthorization(`Basic ${Buffer.from('nocolon').toString('base64')}`)).toBeUndefined();
    expect(parseAuthorization(undefined)).toBeUndefined();
  });
});
