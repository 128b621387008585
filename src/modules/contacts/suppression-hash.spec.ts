import { createHash, createHmac } from 'node:crypto';
import { SuppressionHasher } from './suppression-hash';

const account = '00000000-0000-4000-8000-000000000001';
const key = 'spec-secret-key-0123456789abcdef0123456789';
const unkeyed = (address: string) => createHash('sha256').update(`${account}:email:${address}`).digest('hex');

describe('SuppressionHasher', () => {
  it('is an HMAC-SHA256 keyed with SECRET_KEY: no one without the key can compute it from a guessed address', () => {
    const hash = new SuppressionHasher(key).hash(account, 'email', 'lea@example.com');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toBe(unkeyed('lea@example.com'));
    expect(hash).toBe(createHmac('sha256', key).update(unkeyed('lea@example.com')).digest('hex'));
    expect(new SuppressionHasher(`${key}x`).hash(account, 'email', 'lea@example.com')).not.toBe(hash);
  });

  it('re-keys a record written unkeyed into the hash a lookup computes now, without the address', () => {
    const hasher = new SuppressionHasher(key);
    expect(hasher.rekey(unkeyed('lea@example.com'))).toBe(hasher.hash(account, 'email', 'lea@example.com'));
  });

  it('differs by account and channel', () => {
    const hasher = new SuppressionHasher(key);
    const hash = hasher.hash(account, 'email', '+33612345678');
    expect(hasher.hash(account, 'sms', '+33612345678')).not.toBe(hash);
    expect(hasher.hash('00000000-0000-4000-8000-000000000002', 'email', '+33612345678')).not.toBe(hash);
  });

  it('refuses to hash without a key', () => {
    expect(() => new SuppressionHasher(undefined).hash(account, 'email', 'lea@example.com')).toThrow(/SECRET_KEY/);
  });
});
