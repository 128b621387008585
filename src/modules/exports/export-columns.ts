import { BUILTIN_FIELDS, builtinField, type BuiltinField } from '../fields/builtin-fields';
import type { CustomFieldDefinition, FieldCatalogue } from '../fields/field-catalogue';
import { exportErrors } from './export-errors';

/** The seed's 12 main fields ("Exporter tous les principaux champs"), in its order. */
export const DEFAULT_EXPORT_FIELDS = [
  'firstname',
  'lastname',
  'companyname',
  'email',
  'emailoptin',
  'emailstatus',
  'mobile',
  'mobileoptin',
  'mobilestatus',
  'creationdate',
  'modificationdate',
  'activity',
] as const;

/** The column of the contact's group names, on request. */
export const GROUPS_FIELD = 'groups';

/** Export headers as the seed's export page names them; other built-in fields use their catalogue label. */
const SEED_LABELS: Record<string, string> = {
  firstname: 'Prénom',
  lastname: 'Nom',
  companyname: 'Raison Sociale',
  email: 'Adresse Email',
  emailoptin: 'Opt-In Email',
  emailstatus: 'Statut Email',
  emailstatusdetail: 'Détail du message de retour Email (Mauvaises Adresses NPAI)',
  mobile: 'Mobile (pour SMS)',
  mobileoptin: 'Opt-In SMS',
  mobilestatus: 'Statut Mobile',
  mobilestatusdetail: 'Détail du message de retour SMS',
  creationdate: 'Contact ajouté le',
  modificationdate: 'Contact Modifié le',
  activity: "Degré d'activité du contact",
};
const GROUPS_LABEL = 'Groupes';

/** The words the seed shows for stored keys (help pages "Etats de l'adresse Email", "Signification des retours"). */
const WORDS = {
  OptIn: { yes: 'Oui', no: 'Non', orange: 'Liste orange', blocklist: 'Liste repoussoir' },
  EmailStatus: {
    unknown: 'Inconnu',
    valid: 'Valide',
    absent: 'Absent',
    soft: 'Soft',
    rejected: 'Rejeté',
    badalias: 'Mauvais alias',
    baddomain: 'Mauvais domaine',
    badsyntax: 'Mauvaise syntaxe',
  },
  MobileStatus: {
    unknown: 'Inconnu',
    valid: 'Valide',
    error: 'Numéro en erreur',
    badnumber: 'Mauvais Numéro',
    badformat: 'Mauvais format',
  },
  Activity: { active: 'Actif', inactive: 'Inactif' },
  Boolean: { true: 'Oui', false: 'Non' },
} as const satisfies Record<string, Record<string, string>>;

export type HeaderStyle = 'labels' | 'keys';
export type DateStyle = 'dd/mm/yyyy' | 'iso';
export type ValueStyle = 'labels' | 'keys';

export interface ColumnStyle {
  headers: HeaderStyle;
  dates: DateStyle;
  values: ValueStyle;
}

/** Parameters the column expressions refer to, filled in when the query runs. */
export interface ColumnParams {
  /** The account's time zone, for dd/mm/yyyy date-times. */
  timezone: string;
  /** Contacts engaged since then are `active`. */
  activeSince: Date;
}

/**
 * One exported column: the SQL giving its stored value as text (on contact alias `c`) and how that text is
 * written in the file.
 */
export interface ExportColumn {
  key: string;
  header: string;
  sql: (param: (name: keyof ColumnParams) => string) => string;
  /** Stored text → cell text; null or empty stays empty. */
  cell: (stored: string) => string;
  /** Numbers are written as numbers (never formula text); everything else is text. */
  numeric: boolean;
}

const same = (text: string) => text;
const wordsOf = (words: Record<string, string>, style: ColumnStyle) =>
  style.values === 'keys' ? same : (text: string) => words[text] ?? text;

/** `yyyy-MM-dd` → `dd/MM/yyyy`. */
const frenchDay = (text: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text.slice(8, 10)}/${text.slice(5, 7)}/${text.slice(0, 4)}` : text;

function timestampSql(column: string, style: ColumnStyle) {
  return style.dates === 'iso'
    ? () => `to_char(c.${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`
    : (param: (name: keyof ColumnParams) => string) =>
        `to_char(c.${column} AT TIME ZONE ${param('timezone')}, 'DD/MM/YYYY HH24:MI:SS')`;
}

function builtinColumn(field: BuiltinField, style: ColumnStyle): ExportColumn {
  const base = {
    key: field.key,
    header: style.headers === 'keys' ? field.key : (SEED_LABELS[field.key] ?? field.labelFr),
    numeric: false,
  };
  const plain = () => `c.${field.column}`;
  switch (field.format) {
    case 'ShortText':
    case 'Email':
    case 'Mobile':
    case 'Phone':
      return { ...base, sql: plain, cell: same };
    case 'DateTime':
      return { ...base, sql: timestampSql(field.column, style), cell: same };
    case 'Date':
      return {
        ...base,
        sql: () => `c.${field.column}::text`,
        cell: style.dates === 'iso' ? same : frenchDay,
      };
    case 'OptIn':
    case 'EmailStatus':
    case 'MobileStatus':
      return { ...base, sql: plain, cell: wordsOf(WORDS[field.format], style) };
    case 'Boolean':
      return { ...base, sql: () => `c.${field.column}::text`, cell: wordsOf(WORDS.Boolean, style) };
    case 'Activity':
      return {
        ...base,
        sql: (param) => `CASE WHEN c.${field.column} >= ${param('activeSince')} THEN 'active' ELSE 'inactive' END`,
        cell: wordsOf(WORDS.Activity, style),
      };
    case 'ImportId':
      return { ...base, sql: () => `c.${field.column}::text`, cell: same, numeric: true };
  }
}

/** A list field's stored value (a value id, or an array of them) → the values' texts, in the list's order. */
function listTexts(field: CustomFieldDefinition): (stored: string) => string {
  return (stored) => {
    const ids = stored.match(/\d+/g) ?? [];
    const values = ids.map((id) => field.valuesById.get(Number(id))).filter((v) => v !== undefined);
    values.sort((a, b) => a.position - b.position);
    return values.map((v) => v.text).join(', ');
  };
}

function customColumn(field: CustomFieldDefinition, style: ColumnStyle): ExportColumn {
  const key = String(field.id);
  const base = { key, header: style.headers === 'keys' ? key : field.name, sql: () => `c.fields->>'${field.id}'` };
  switch (field.format) {
    case 'ShortText':
      return { ...base, cell: same, numeric: false };
    case 'Number':
      return { ...base, cell: same, numeric: true };
    case 'DateTime':
      return { ...base, cell: style.dates === 'iso' ? same : frenchDay, numeric: false };
    case 'SingleSelection':
    case 'MultipleSelection':
      return { ...base, cell: listTexts(field), numeric: false };
  }
}

function groupsColumn(style: ColumnStyle): ExportColumn {
  return {
    key: GROUPS_FIELD,
    header: style.headers === 'keys' ? GROUPS_FIELD : GROUPS_LABEL,
    sql: () =>
      `(SELECT string_agg(g.name, ', ' ORDER BY g.name) FROM group_member m
        JOIN contact_group g ON g.id = m.group_id WHERE m.contact_id = c.id)`,
    cell: same,
    numeric: false,
  };
}

/**
 * Reads the requested fields (built-in keys, custom field ids, `groups`) into their canonical keys, in the order
 * given; none means the 12 main fields. An unknown or repeated field is refused with its name.
 */
export function readExportFields(requested: readonly string[] | undefined, catalogue: FieldCatalogue): string[] {
  if (!requested || requested.length === 0) return [...DEFAULT_EXPORT_FIELDS];
  const keys: string[] = [];
  const unknown: string[] = [];
  for (const given of requested) {
    const text = String(given).trim();
    let key: string | undefined;
    if (/^\d+$/.test(text)) key = catalogue.field(Number(text)) ? String(Number(text)) : undefined;
    else if (text.toLowerCase() === GROUPS_FIELD) key = GROUPS_FIELD;
    else key = builtinField(text)?.key;
    if (key === undefined) unknown.push(text);
    else keys.push(key);
  }
  if (unknown.length > 0) throw exportErrors.unknownFields(unknown);
  const repeated = keys.filter((key, index) => keys.indexOf(key) !== index);
  if (repeated.length > 0) throw exportErrors.repeatedFields([...new Set(repeated)]);
  return keys;
}

/** The columns of canonical keys (from readExportFields); a custom field deleted since is left out. */
export function exportColumns(keys: readonly string[], catalogue: FieldCatalogue, style: ColumnStyle): ExportColumn[] {
  return keys.flatMap((key) => {
    if (key === GROUPS_FIELD) return [groupsColumn(style)];
    if (/^\d+$/.test(key)) {
      const field = catalogue.field(Number(key));
      return field ? [customColumn(field, style)] : [];
    }
    const field = builtinField(key);
    return field ? [builtinColumn(field, style)] : [];
  });
}

export interface CatalogueEntry {
  /** What to put in `fields`: a built-in key, a custom field id, or `groups`. */
  key: string;
  /** The header written with `headers: labels`. */
  label: string;
  format: string;
  custom: boolean;
  /** Among the 12 exported when `fields` is empty. */
  default: boolean;
  /** The words written for stored keys with `values: labels` (opt-ins, statuses, activity, yes/no). */
  words?: Record<string, string>;
}

/** Every field an export may hold, for an export picker. */
export function exportCatalogue(catalogue: FieldCatalogue): CatalogueEntry[] {
  const defaults: readonly string[] = DEFAULT_EXPORT_FIELDS;
  const builtin = BUILTIN_FIELDS.map((field): CatalogueEntry => {
    const words = (WORDS as Record<string, Record<string, string>>)[field.format];
    return {
      key: field.key,
      label: SEED_LABELS[field.key] ?? field.labelFr,
      format: field.format,
      custom: false,
      default: defaults.includes(field.key),
      ...(words ? { words } : {}),
    };
  });
  const custom = [...catalogue.byId.values()].map((field): CatalogueEntry => ({
    key: String(field.id),
    label: field.name,
    format: field.format,
    custom: true,
    default: false,
  }));
  const groups: CatalogueEntry = {
    key: GROUPS_FIELD,
    label: GROUPS_LABEL,
    format: 'Groups',
    custom: false,
    default: false,
  };
  return [...builtin, ...custom, groups];
}
