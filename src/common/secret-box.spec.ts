import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox('a-secret-key-of-at-least-32-characters!!');

  it('opens what it sealed, with a fresh IV each time', () => {
    const first = box.seal('whsec_abc', 'webhook-endpoint:1');
    const second = box.seal('whsec_abc', 'webhook-endpoint:1');
    expect(first).not.toBe(second);
    expect(first.startsWith('v1.')).toBe(true);
    expect(first).not.toContain('whsec_abc');
    expect(box.open(first, 'webhook-endpoint:1')).toBe('whsec_abc');
  });

  it('refuses another purpose, another key and an altered value', () => {
    const sealed = box.seal('password', 'sftp:1');
    expect(() => box.open(sealed, 'sftp:2')).toThrow();
    expect(() => new SecretBox('another-key-of-at-least-32-characters!!!').open(sealed, 'sftp:1')).toThrow();
    const parts = sealed.split('.');
    const data = Buffer.from(parts[3], 'base64url');
    data[0] ^= 1;
    expect(() => box.open([...parts.slice(0, 3), data.toString('base64url')].join('.'), 'sftp:1')).toThrow();
    expect(() => box.open(`v9.${parts.slice(1).join('.')}`, 'sftp:1')).toThrow(/Unknown sealed secret format/);
  });

  it('says SECRET_KEY is missing rather than sealing without it', () => {
    expect(() => new SecretBox(undefined).seal('x', 'p')).toThrow(/SECRET_KEY is not set/);
  });
});
