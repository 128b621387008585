import { readSettingsPatch } from './account-settings';

describe('readSettingsPatch', () => {
  it('reads valid settings, normalising the country code', () => {
    expect(
      readSettingsPatch({ uniquenessKey: 'mobile', defaultCountry: 'be', allowDuplicates: 'true', timezone: 'UTC' }),
    ).toEqual({
      patch: { uniquenessKey: 'mobile', defaultCountry: 'BE', allowDuplicates: true, timezone: 'UTC' },
      problems: [],
    });
  });

  it('names unknown settings and bad values', () => {
    const { patch, problems } = readSettingsPatch({ colour: 'red', defaultCountry: 'XX', timezone: 'Mars/Base' });
    expect(patch).toEqual({});
    expect(problems).toEqual([
      expect.stringContaining('Unknown setting "colour"'),
      expect.stringContaining('defaultCountry must be'),
      expect.stringContaining('timezone must be'),
    ]);
  });
});
