import { builtinField } from '../../fields/builtin-fields';
import { normaliseHeader } from './header-matching';
import { HEADER_SYNONYMS, KEY_CHANNEL_SYNONYMS } from './header-synonyms';

describe('header synonyms', () => {
  const entries = [
    ...HEADER_SYNONYMS.flatMap(({ matching, names }) => names.map((name) => ({ matching, name }))),
    ...KEY_CHANNEL_SYNONYMS.flatMap(({ suffix, names }) => names.map((name) => ({ matching: `*${suffix}`, name }))),
  ];

  it('name only writable built-in fields or groups', () => {
    const matchings = new Set(HEADER_SYNONYMS.map(({ matching }) => matching));
    for (const matching of matchings) {
      if (matching !== 'groups') expect(builtinField(matching)?.readOnly).toBe(false);
    }
    for (const { suffix } of KEY_CHANNEL_SYNONYMS) {
      expect(builtinField(`email${suffix}`)).toBeDefined();
      expect(builtinField(`mobile${suffix}`)).toBeDefined();
    }
  });

  it('give each normalised name one field, except the bare phone names that content settles', () => {
    const fieldsByName = new Map<string, Set<string>>();
    for (const { matching, name } of entries) {
      const key = normaliseHeader(name);
      fieldsByName.set(key, new Set([...(fieldsByName.get(key) ?? []), matching]));
    }
    const ambiguous = [...fieldsByName].filter(([, fields]) => fields.size > 1);
    expect(ambiguous.every(([, fields]) => [...fields].sort().join() === 'mobile,phone')).toBe(true);
    expect(ambiguous.map(([name]) => name)).toContain('telephone');
  });
});
