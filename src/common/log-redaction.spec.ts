import { redactPersonalData, redactValues } from './log-redaction';

describe('redactPersonalData', () => {
  it.each([
    ['GET /api/rest/v4/contact/attribute/lea.martin@example.com 200', 'GET /api/rest/v4/contact/attribute/[email] 200'],
    ['/contact/attribute/Lea%2Bnews%40example.co.uk/history', '/contact/attribute/[email]/history'],
    ['/contacts?email=lea@example.fr&limit=10', '/contacts?email=[email]&limit=10'],
    ['/contact/attribute/+33612345678', '/contact/attribute/[phone]'],
    ['/contact/attribute/%2B33612345678?x=1', '/contact/attribute/[phone]?x=1'],
    ['/contacts?mobile=06%2012%2034%2056%2078', '/contacts?mobile=[phone]'],
    ['bounce for 06 12 34 56 78: mailbox full', 'bounce for [phone]: mailbox full'],
    ['sms to 33612345678 failed', 'sms to [phone] failed'],
    ['550 5.1.1 <jean.dupont@orange.fr>: user unknown', '550 5.1.1 <[email]>: user unknown'],
  ])('%s', (text, redacted) => {
    expect(redactPersonalData(text)).toBe(redacted);
  });

  it.each([
    'GET /api/rest/v4/contacts/123456 200',
    'GET /api/rest/v4/contacts/import/file/import-42.zip 200',
    'request 550e8400-e29b-41d4-a716-446655440000 took 12345678 ms',
    'Migration AccountsFieldsContacts1795426464779 has been executed',
    'imported 20000 rows in 1.5 s',
  ])('keeps %s', (text) => {
    expect(redactPersonalData(text)).toBe(text);
  });

  it('redacts every string of a plain object, keeping the rest', () => {
    expect(redactValues({ contactKey: 'a@b.fr', n: 3, list: ['+33612345678', 'ok'] })).toEqual({
      contactKey: '[email]',
      n: 3,
      list: ['[phone]', 'ok'],
    });
    const params = Object.assign(Object.create(null) as object, { path: ['contact', 'attribute', 'a@b.fr'] });
    expect(redactValues(params)).toEqual({ path: ['contact', 'attribute', '[email]'] });
  });
});
