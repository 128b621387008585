import { CustomFieldFormat } from './custom-field.entity';
import type { FieldRow, ValueRow } from './fields.repository';

export interface CustomFieldDefinition {
  id: number;
  name: string;
  format: CustomFieldFormat;
  options: string;
  valuesById: Map<number, ValueRow>;
  /** Lower-cased, trimmed value text → value. */
  valuesByText: Map<string, ValueRow>;
}

/** An account's custom fields with their list values, loaded once per request or import. */
export class FieldCatalogue {
  readonly byId = new Map<number, CustomFieldDefinition>();

  constructor(fields: FieldRow[], values: ValueRow[]) {
    for (const field of fields) {
      this.byId.set(field.id, { ...field, valuesById: new Map(), valuesByText: new Map() });
    }
    for (const value of values) this.addValue(value);
  }

  field(id: number): CustomFieldDefinition | undefined {
    return this.byId.get(id);
  }

  addValue(value: ValueRow): void {
    const field = this.byId.get(value.fieldId);
    if (!field) return;
    field.valuesById.set(value.id, value);
    field.valuesByText.set(value.text.trim().toLowerCase(), value);
  }
}
