import { BUILTIN_FIELDS } from '../../fields/builtin-fields';
import { headerCellAsData } from './header-as-data';
import type { ColumnTarget } from './matching-plan';

const builtin = (key: string): ColumnTarget => ({ kind: 'builtin', field: BUILTIN_FIELDS.find((f) => f.key === key)! });
const plan = { columns: [builtin('firstname'), builtin('email'), builtin('mobile'), { kind: 'ignored' } as const] };

describe('headerCellAsData', () => {
  it('accepts column names', () => {
    expect(headerCellAsData(plan, ['Prénom', 'E-mail', 'Mobile', 'lea@example.com'], 'FR')).toBeUndefined();
    expect(headerCellAsData(plan, ['Prénom', 'Adresse email', 'Tél. 06', ''], 'FR')).toBeUndefined();
  });

  it('names the column whose header is an address or a phone number', () => {
    expect(headerCellAsData(plan, ['Léa', 'Lea@Example.com', 'Mobile'], 'FR')).toEqual({
      column: 2,
      cell: 'Lea@Example.com',
      reading: 'an email address',
    });
    expect(headerCellAsData(plan, ['Léa', 'Email', '06 12 34 56 78'], 'FR')).toEqual({
      column: 3,
      cell: '06 12 34 56 78',
      reading: 'a phone number',
    });
  });

  it('looks only at the columns matched to email and mobile', () => {
    expect(headerCellAsData({ columns: [builtin('firstname')] }, ['lea@example.com'], 'FR')).toBeUndefined();
  });
});
