import { openSecret, sealSecret } from './secret-box';

const KEY = 'spec-secret-key-0123456789abcdef0123456789';

describe('secret box', () => {
  it('opens what it sealed, and seals the same text differently each time', () => {
    const a = sealSecret('hunter2 é', KEY);
    const b = sealSecret('hunter2 é', KEY);
    expect(a).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('hunter2');
    expect(openSecret(a, KEY)).toBe('hunter2 é');
    expect(openSecret(b, KEY)).toBe('hunter2 é');
  });

  it('refuses another key and altered data without echoing the secret', () => {
    const sealed = sealSecret('hunter2', KEY);
    expect(() => openSecret(sealed, `${KEY}-other`)).toThrow(/cannot be opened/);
    const [v, iv, tag, data] = sealed.split(':');
    const flipped = Buffer.from(data, 'base64');
    flipped[0] ^= 1;
    expect(() => openSecret([v, iv, tag, flipped.toString('base64')].join(':'), KEY)).toThrow(/cannot be opened/);
    expect(() => openSecret(`v9:${iv}:${tag}:${data}`, KEY)).toThrow(/unknown format or key version/);
  });
});
