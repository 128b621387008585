import { editDistance } from './text-distance';

describe('editDistance', () => {
  it.each([
    ['gmail.com', 'gmail.com', 0],
    ['gmial.com', 'gmail.com', 1],
    ['gmal.com', 'gmail.com', 1],
    ['yahooo.fr', 'yahoo.fr', 1],
    ['free.f', 'free.fr', 1],
    ['hotmail.fr', 'hotmail.com', 3],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['ca', 'abc', 3],
    ['kitten', 'sitting', 3],
  ])('%s → %s costs %i edits', (a, b, expected) => {
    expect(editDistance(a, b)).toBe(expected);
    expect(editDistance(b, a)).toBe(expected);
  });
});
