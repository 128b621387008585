import { BUILTIN_FIELDS } from '../../fields/builtin-fields';
import type { CustomFieldDefinition, FieldCatalogue } from '../../fields/field-catalogue';
import { dateFormatOf } from '../../fields/field-options';

/** The example row's value of each built-in field it fills; the others are left empty. */
const BUILTIN_EXAMPLES: Record<string, string> = {
  salutation: 'Mme',
  firstname: 'Camille',
  lastname: 'Martin',
  companyname: 'Exemple SARL',
  jobtitle: 'Responsable marketing',
  email: 'camille.martin@exemple.fr',
  emailoptin: 'oui',
  mobile: '06 12 34 56 78',
  mobileoptin: 'oui',
  phone: '01 23 45 67 89',
  address1: '12 rue de la Paix',
  zipcode: '75002',
  city: 'Paris',
  country: 'France',
  birthdate: '28/02/1980',
  emailoptinpartners: 'non',
  mobileoptinpartners: 'non',
  comments: 'Ligne d’exemple : remplacez-la par vos contacts',
  source: 'Fichier exemple',
};

export const GROUPS_HEADER = 'Groupes';

/** 1 September 2024 written in a DateTime field's format (`dd.mm.yyyy`…). */
function exampleDate(options: string): string {
  return dateFormatOf(options).replace('yyyy', '2024').replace('yy', '24').replace('mm', '09').replace('dd', '01');
}

function customExample(field: CustomFieldDefinition): string {
  switch (field.format) {
    case 'ShortText':
      return 'exemple';
    case 'Number':
      return '42';
    case 'DateTime':
      return exampleDate(field.options);
    case 'SingleSelection':
    case 'MultipleSelection':
      return [...field.valuesById.values()].sort((a, b) => a.position - b.position)[0]?.text ?? '';
  }
}

/**
 * The file the import wizard offers to download (seed 001 "le fichier exemple"): a header of the account's
 * importable fields in French (built-in labels, `Groupes`, custom field names) and one example row. Each header
 * reads back as its field in the guided import.
 */
export function importTemplate(catalogue: FieldCatalogue): { headers: string[]; example: string[] } {
  const builtins = BUILTIN_FIELDS.filter((field) => !field.readOnly);
  const customs = [...catalogue.byId.values()].sort((a, b) => a.id - b.id);
  return {
    headers: [...builtins.map((f) => f.labelFr), GROUPS_HEADER, ...customs.map((f) => f.name)],
    example: [...builtins.map((f) => BUILTIN_EXAMPLES[f.key] ?? ''), 'Clients', ...customs.map(customExample)],
  };
}
