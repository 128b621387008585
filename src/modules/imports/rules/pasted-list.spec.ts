import { readPastedList } from './pasted-list';

const emails = (text: string) => readPastedList(text).map((e) => e.email);

describe('readPastedList', () => {
  it('splits on new lines, commas, semicolons and spaces', () => {
    expect(emails('a@x.fr\nb@x.fr, c@x.fr;d@x.fr e@x.fr\r\n\n  f@x.fr  ')).toEqual([
      'a@x.fr',
      'b@x.fr',
      'c@x.fr',
      'd@x.fr',
      'e@x.fr',
      'f@x.fr',
    ]);
  });

  it('reads Name <address>, the name split into first name and last name', () => {
    expect(
      readPastedList('Jean Dupont <jean@x.fr>, "Marie de la Tour" <marie@x.fr>; <anon@x.fr>\nLéa <lea@x.fr>'),
    ).toEqual([
      { email: 'jean@x.fr', firstname: 'Jean', lastname: 'Dupont' },
      { email: 'marie@x.fr', firstname: 'Marie', lastname: 'de la Tour' },
      { email: 'anon@x.fr', firstname: '', lastname: '' },
      { email: 'lea@x.fr', firstname: 'Léa', lastname: '' },
    ]);
  });

  it('keeps an address written before a name on the same line as its own entry', () => {
    expect(readPastedList('a@x.fr Jean Dupont <jean@x.fr> b@x.fr')).toEqual([
      { email: 'a@x.fr', firstname: '', lastname: '' },
      { email: 'jean@x.fr', firstname: 'Jean', lastname: 'Dupont' },
      { email: 'b@x.fr', firstname: '', lastname: '' },
    ]);
  });

  it('keeps bad entries so that validation flags them', () => {
    expect(emails('ok@x.fr, pas-une-adresse; jean@gmail\n@x.fr')).toEqual([
      'ok@x.fr',
      'pas-une-adresse',
      'jean@gmail',
      '@x.fr',
    ]);
    expect(readPastedList(' \n,; ')).toEqual([]);
  });
});
