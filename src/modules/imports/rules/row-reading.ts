import { readPhone } from '../../../common/phone';
import { readBuiltin, readCustom, type ReadContext } from '../../contacts/contact-attributes';
import type { BuiltinField } from '../../fields/builtin-fields';
import type { CustomFieldDefinition } from '../../fields/field-catalogue';
import { acceptsNewValues } from '../../fields/field-options';
import { isXMark } from './column-content';
import { checkEmail } from './email-domains';
import type { Finding } from './finding';
import type { ColumnTarget, MatchingPlan } from './matching-plan';

export interface RowContext extends ReadContext {
  uniquenessKey: 'email' | 'mobile';
}

/** A file row read into a contact change, with what was found wrong in it. */
export interface ImportedRow {
  line: number;
  cells: readonly string[];
  /** The uniqueness key as matched (lower-cased email or E.164 mobile); null when the row has none. */
  key: string | null;
  columns: Record<string, unknown>;
  /** Custom values by field id; multi-select values as value-id arrays. */
  fields: Record<string, unknown>;
  groups: string[];
  findings: Finding[];
  /** List values the file uses that the field does not know but accepts adding. */
  newValues: { fieldId: number; text: string }[];
  /** False when an error finding keeps the row out of the import. */
  accepted: boolean;
}

const finding = (code: string, severity: Finding['severity'], message: string, suggestion?: string): Finding => ({
  code,
  severity,
  message,
  ...(suggestion ? { suggestion } : {}),
});

function codeOfBuiltin(field: BuiltinField): string {
  if (field.format === 'Date' || field.format === 'DateTime') return 'date.invalid';
  return 'value.unknown';
}

function codeOfCustom(field: CustomFieldDefinition): string {
  if (field.format === 'Number') return 'number.invalid';
  if (field.format === 'DateTime') return 'date.invalid';
  if (field.format === 'ShortText') return 'text.too_long';
  return 'value.unknown';
}

class RowReader {
  readonly row: ImportedRow;
  private readonly listValues = new Map<number, number[]>();

  constructor(
    line: number,
    cells: readonly string[],
    private readonly context: RowContext,
  ) {
    this.row = {
      line,
      cells,
      key: null,
      columns: {},
      fields: {},
      groups: [],
      findings: [],
      newValues: [],
      accepted: true,
    };
  }

  read(target: ColumnTarget, raw: string, header: string): void {
    const text = raw.trim();
    if (text === '') return;
    switch (target.kind) {
      case 'ignored':
        return;
      case 'groups':
        this.row.groups.push(
          ...text
            .split(',')
            .map((g) => g.trim())
            .filter((g) => g !== ''),
        );
        return;
      case 'builtin':
        return this.readBuiltinCell(target.field, text, header);
      case 'custom':
        return this.readCustomCell(target.field, text, header);
      case 'mark':
        if (isXMark(text)) this.addListTexts(target.field, [target.valueText], header);
        return;
    }
  }

  finish(): ImportedRow {
    for (const [fieldId, ids] of this.listValues) this.row.fields[String(fieldId)] = ids;
    const { columns, findings } = this.row;
    const keyColumn = this.context.uniquenessKey;
    this.row.key = (columns[keyColumn] as string | undefined) ?? null;
    if (columns.email == null && columns.mobile == null && !findings.some((f) => f.severity === 'error')) {
      findings.push(
        finding('row.missing_key', 'error', 'The row has neither an email nor a mobile number: it is ignored'),
      );
    } else if (this.row.key === null && !findings.some((f) => f.severity === 'error')) {
      findings.push(
        finding(
          'row.missing_key',
          'error',
          `The row has no ${keyColumn}, this account's uniqueness key: it is left out`,
        ),
      );
    }
    this.row.accepted = !findings.some((f) => f.severity === 'error');
    return this.row;
  }

  private readBuiltinCell(field: BuiltinField, text: string, header: string): void {
    if (field.format === 'Email') {
      const checked = checkEmail(text);
      this.row.findings.push(...checked.findings);
      if (checked.email) this.row.columns[field.column] = checked.email;
      return;
    }
    if (field.format === 'Mobile') {
      const phone = readPhone(text, this.context.defaultCountry);
      if (!phone) {
        const isKey = this.context.uniquenessKey === 'mobile';
        const message = `"${text}" is not a valid phone number (national numbers are read as ${this.context.defaultCountry})${isKey ? '' : '; the number is left out'}`;
        this.row.findings.push(finding('mobile.invalid', isKey ? 'error' : 'warning', message));
        return;
      }
      if (!phone.isMobile) {
        this.row.findings.push(
          finding(
            'mobile.not_mobile',
            'warning',
            `"${text}" is a valid number but not a mobile one: SMS will not reach it`,
          ),
        );
      }
      this.row.columns[field.column] = phone.e164;
      return;
    }
    const reading = readBuiltin(field, text, this.context);
    if ('problem' in reading) {
      this.row.findings.push(
        finding(codeOfBuiltin(field), 'warning', `${header}: ${reading.problem}; the value is left out`),
      );
    } else {
      this.row.columns[field.column] = reading.value;
    }
  }

  private readCustomCell(field: CustomFieldDefinition, text: string, header: string): void {
    if (field.format === 'SingleSelection' || field.format === 'MultipleSelection') {
      const texts = text
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== '');
      if (field.format === 'SingleSelection' && texts.length > 1) {
        this.row.findings.push(
          finding(
            'value.unknown',
            'warning',
            `${header}: "${text}" holds several values but ${field.name} takes one; the value is left out`,
          ),
        );
        return;
      }
      this.addListTexts(field, texts, header);
      return;
    }
    const reading = readCustom(field, text);
    if ('problem' in reading) {
      this.row.findings.push(
        finding(codeOfCustom(field), 'warning', `${header}: ${reading.problem}; the value is left out`),
      );
    } else {
      this.row.fields[String(field.id)] = reading.value;
    }
  }

  private addListTexts(field: CustomFieldDefinition, texts: string[], header: string): void {
    for (const text of texts) {
      const value =
        field.valuesByText.get(text.toLowerCase()) ??
        (/^\d+$/.test(text) ? field.valuesById.get(Number(text)) : undefined);
      if (value) {
        if (field.format === 'SingleSelection') this.row.fields[String(field.id)] = value.id;
        else {
          const ids = this.listValues.get(field.id) ?? [];
          if (!ids.includes(value.id)) ids.push(value.id);
          this.listValues.set(field.id, ids);
        }
      } else if (acceptsNewValues(field.options)) {
        this.row.newValues.push({ fieldId: field.id, text });
      } else {
        this.row.findings.push(
          finding(
            'value.unknown',
            'warning',
            `${header}: "${text}" is not a value of ${field.name}; add it to the field's values (or let the field accept new values) and import again`,
          ),
        );
      }
    }
  }
}

/**
 * Reads one file row through the matching plan (SPEC §5 row rules). Pure: list values the field may gain
 * are returned in `newValues`; the caller adds them and reads the row again.
 */
export function readImportedRow(
  line: number,
  cells: readonly string[],
  headers: readonly string[],
  plan: MatchingPlan,
  context: RowContext,
): ImportedRow {
  const reader = new RowReader(line, cells, context);
  plan.columns.forEach((target, index) =>
    reader.read(target, cells[index] ?? '', headers[index] || `column ${index + 1}`),
  );
  for (const constant of plan.constants) reader.read(constant.target, constant.value, 'constant');
  return reader.finish();
}
