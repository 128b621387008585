import type { FieldRow, ValueRow } from './fields.repository';

export interface CustomFieldDefinition extends FieldRow {
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

  /** The rows it was built from, to build the same catalogue elsewhere (a worker thread). */
  rows(): { fields: FieldRow[]; values: ValueRow[] } {
    const definitions = [...this.byId.values()];
    return {
      fields: definitions.map(({ valuesById: _values, valuesByText: _texts, ...field }) => field),
      values: definitions.flatMap((field) => [...field.valuesById.values()]),
    };
  }

  addValue(value: ValueRow): void {
    const field = this.byId.get(value.fieldId);
    if (!field) return;
    field.valuesById.set(value.id, value);
    field.valuesByText.set(value.text.trim().toLowerCase(), value);
  }
}
