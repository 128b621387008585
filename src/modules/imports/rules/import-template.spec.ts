import { FieldCatalogue } from '../../fields/field-catalogue';
import { importTemplate } from './import-template';

const at = new Date('2026-01-01T00:00:00Z');
const catalogue = new FieldCatalogue(
  [
    { id: 4, name: 'Adhésion', description: '', format: 'DateTime', options: 'yyyy.mm.dd', createdAt: at },
    { id: 2, name: 'Niveau', description: '', format: 'SingleSelection', options: 'false', createdAt: at },
    { id: 3, name: 'Points', description: '', format: 'Number', options: '', createdAt: at },
  ],
  [
    { id: 11, fieldId: 2, text: 'Argent', position: 2, createdAt: at },
    { id: 10, fieldId: 2, text: 'Or', position: 1, createdAt: at },
  ],
);

describe('importTemplate', () => {
  it('heads the writable built-in fields in French, then Groupes, then custom fields by id, with one example row', () => {
    const { headers, example } = importTemplate(catalogue);
    expect(headers.slice(0, 6)).toEqual(['Civilité', 'Prénom', 'Nom', 'Société', 'Fonction', 'Adresse e-mail']);
    expect(headers).not.toContain('Date de création');
    expect(headers.slice(-4)).toEqual(['Groupes', 'Niveau', 'Points', 'Adhésion']);
    expect(example).toHaveLength(headers.length);
    const cell = (header: string) => example[headers.indexOf(header)];
    expect(cell('Adresse e-mail')).toBe('camille.martin@exemple.fr');
    expect(cell('Téléphone mobile')).toBe('06 12 34 56 78');
    expect(cell('Statut e-mail')).toBe('');
    expect([cell('Niveau'), cell('Points'), cell('Adhésion')]).toEqual(['Or', '42', '2024.09.01']);
  });
});
