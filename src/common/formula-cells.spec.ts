import { neutraliseFormula } from './formula-cells';

describe('neutraliseFormula', () => {
  it.each(['=HYPERLINK("http://x","y")', '+33612345678', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd'])(
    'prefixes %j with a quote',
    (cell) => {
      expect(neutraliseFormula(cell)).toBe(`'${cell}`);
    },
  );

  it.each(['Léa', 'lea@example.com', '', '0612345678', ' =not at start'])('keeps %j as it is', (cell) => {
    expect(neutraliseFormula(cell)).toBe(cell);
  });
});
