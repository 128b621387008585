import { isEmailSyntaxValid, normalizeEmail } from './email';

describe('email', () => {
  it('normalises case and spaces', () => {
    expect(normalizeEmail('  FRANCOIS.LEFEVRE@Free.fr ')).toBe('francois.lefevre@free.fr');
  });

  it.each(['a@b.fr', 'jean.dupond+news@hotmial.fr', "o'brien@example.co.uk"])('accepts %s', (email) => {
    expect(isEmailSyntaxValid(email)).toBe(true);
  });

  it.each(['noel@eric', 'agnes@@laposte.net', 'a b@c.fr', '@c.fr', 'a@.fr', 'a..b@c.fr', 'a@c'])(
    'rejects %s',
    (email) => {
      expect(isEmailSyntaxValid(email)).toBe(false);
    },
  );
});
