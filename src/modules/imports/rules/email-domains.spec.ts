import { checkEmail, isCommonDomain, isDisposableDomain, suggestDomainFix } from './email-domains';

describe('suggestDomainFix', () => {
  it('answers the same for a domain judged before, also after many other domains were judged', () => {
    expect(suggestDomainFix('gmial.com')).toBe('gmail.com');
    expect(suggestDomainFix(' GMIAL.com')).toBe('gmail.com');
    for (let i = 0; i < 10_050; i++) expect(suggestDomainFix(`a-long-company-name-${i}.example.fr`)).toBeUndefined();
    expect(suggestDomainFix('gmial.com')).toBe('gmail.com');
    expect(suggestDomainFix('acme-industries.fr')).toBeUndefined();
  });

  it.each([
    ['gmial.com', 'gmail.com'],
    ['gmal.com', 'gmail.com'],
    ['gamil.com', 'gmail.com'],
    ['gmail.co', 'gmail.com'],
    ['gmail.con', 'gmail.com'],
    ['gmail.cmo', 'gmail.com'],
    ['gmail.fr', 'gmail.com'],
    ['hotmial.fr', 'hotmail.fr'],
    ['hotmial.com', 'hotmail.com'],
    ['homtial.fr', 'hotmail.fr'],
    ['yahooo.fr', 'yahoo.fr'],
    ['wanadoo.fe', 'wanadoo.fr'],
    ['orange.fe', 'orange.fr'],
    ['orange.ft', 'orange.fr'],
    ['orage.fr', 'orange.fr'],
    ['outlok.com', 'outlook.com'],
    ['outlook.frr', 'outlook.fr'],
    ['laposte.ne', 'laposte.net'],
    ['free.f', 'free.fr'],
    ['sfr.f', 'sfr.fr'],
    ['protonmial.com', 'protonmail.com'],
    ['numericable.fe', 'numericable.fr'],
    ['club-internt.fr', 'club-internet.fr'],
    ['  GMIAL.COM ', 'gmail.com'],
  ])('%s → %s', (typed, meant) => {
    expect(suggestDomainFix(typed)).toBe(meant);
  });

  it('fixes an impossible TLD on any domain', () => {
    expect(suggestDomainFix('kiween.con')).toBe('kiween.com');
    expect(suggestDomainFix('mairie-lyon.fe')).toBe('mairie-lyon.fr');
  });

  it.each(['gmail.com', 'hotmail.fr', 'hotmail.com', 'ymail.com', 'mail.com', 'live.fr', 'me.com', 'aol.fr', 'gmx.de'])(
    'never fixes the common domain %s',
    (domain) => {
      expect(suggestDomainFix(domain)).toBeUndefined();
    },
  );

  it.each([
    ['kiween.com', 'a professional domain'],
    ['japan.jp', 'an unrelated domain'],
    ['hotmail.nl', 'another country code of a provider'],
    ['aon.com', 'a short name one letter from aol.com'],
    ['laposte.fr', 'a real domain three edits away'],
    ['yopmail.com', 'a disposable domain'],
  ])('leaves %s alone (%s)', (domain) => {
    expect(suggestDomainFix(domain)).toBeUndefined();
  });
});

describe('domain lists', () => {
  it('knows common and disposable domains, whatever the case', () => {
    expect(isCommonDomain(' Orange.FR')).toBe(true);
    expect(isCommonDomain('kiween.com')).toBe(false);
    expect(isDisposableDomain('YOPMAIL.fr')).toBe(true);
    expect(isDisposableDomain('temp-mail.org')).toBe(true);
    expect(isDisposableDomain('gmail.com')).toBe(false);
  });
});

describe('checkEmail', () => {
  it('passes a common address, normalised', () => {
    expect(checkEmail('  FRANCOIS.LEFEVRE@Free.fr ')).toEqual({ email: 'francois.lefevre@free.fr', findings: [] });
  });

  it('says nothing about an empty cell', () => {
    expect(checkEmail('   ')).toEqual({ findings: [] });
  });

  it('suggests the full corrected address for a domain typo', () => {
    const result = checkEmail('zoe.mercier@gmial.com');
    expect(result.email).toBe('zoe.mercier@gmial.com');
    expect(result.findings).toEqual([
      expect.objectContaining({ code: 'email.domain_typo', severity: 'warning', suggestion: 'zoe.mercier@gmail.com' }),
    ]);
    expect(result.findings[0].message).toContain('gmail.com');
  });

  it('rejects bad syntax, with a repair when one is obvious', () => {
    const result = checkEmail('agnes@@laposte.net');
    expect(result.email).toBeUndefined();
    expect(result.findings).toEqual([
      expect.objectContaining({ code: 'email.syntax', severity: 'error', suggestion: 'agnes@laposte.net' }),
    ]);
    expect(result.findings[0].message).toMatch(/not a valid email address.*will not be imported/);
  });

  it('repairs the syntax and the domain together', () => {
    expect(checkEmail('jean dupond@gmial,com').findings[0]).toMatchObject({
      code: 'email.syntax',
      suggestion: 'jeandupond@gmail.com',
    });
  });

  it('rejects bad syntax without a guess when none is obvious', () => {
    const [finding] = checkEmail('noel@eric').findings;
    expect(finding.code).toBe('email.syntax');
    expect(finding.suggestion).toBeUndefined();
  });

  it('flags a disposable address', () => {
    expect(checkEmail('test@yopmail.com')).toEqual({
      email: 'test@yopmail.com',
      findings: [expect.objectContaining({ code: 'email.disposable', severity: 'warning' })],
    });
  });

  it('flags an uncommon domain as a warning only, as the seed does for kiween.com', () => {
    expect(checkEmail('ab@kiween.com')).toEqual({
      email: 'ab@kiween.com',
      findings: [expect.objectContaining({ code: 'email.domain_uncommon', severity: 'warning' })],
    });
  });

  it('reports an impossible TLD as a typo rather than an uncommon domain', () => {
    expect(checkEmail('ab@kiween.con').findings).toEqual([
      expect.objectContaining({ code: 'email.domain_typo', suggestion: 'ab@kiween.com' }),
    ]);
  });
});
