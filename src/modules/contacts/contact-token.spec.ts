import { contactToken } from './contact-token';

describe('contactToken', () => {
  const secret = 'test-secret-key-0123456789abcdef0123456789';
  const account = '6f1c2d7e-0000-4000-8000-000000000001';

  it('is stable for a contact and differs across contacts, accounts and secrets', () => {
    const token = contactToken(secret, account, 42);
    expect(token).toMatch(/^[\w-]{32}$/);
    expect(contactToken(secret, account, 42)).toBe(token);
    expect(contactToken(secret, account, 43)).not.toBe(token);
    expect(contactToken(secret, '6f1c2d7e-0000-4000-8000-000000000002', 42)).not.toBe(token);
    expect(contactToken(`${secret}x`, account, 42)).not.toBe(token);
    expect(token).not.toContain('42');
  });
});
