import { Injectable } from '@nestjs/common';
import { formatUtc } from '../../common/dates';
import { BadRequest, Conflict, NotFound } from '../../common/errors';
import { mapUniqueViolations } from '../../common/unique-violation';
import { BUILTIN_FIELDS } from './builtin-fields';
import { FieldCatalogue } from './field-catalogue';
import { isListFormat, readFieldOptions } from './field-options';
import { FieldRow, FieldsRepository, ValueRow } from './fields.repository';
import {
  BuiltinFieldDto,
  CreateFieldDto,
  CreateFieldValueDto,
  FieldDto,
  FieldValueDto,
  UpdateFieldDto,
  UpdateFieldValueDto,
} from './dto/field.dto';
import { CustomFieldFormat } from './custom-field.entity';

const toFieldDto = (row: FieldRow): FieldDto => ({
  id: row.id,
  creationDate: formatUtc(row.createdAt),
  description: row.description,
  format: row.format,
  options: row.options,
  name: row.name,
});

const toValueDto = (row: ValueRow): FieldValueDto => ({
  id: row.id,
  creationDate: formatUtc(row.createdAt),
  index: row.position,
  text: row.text,
});

function options(format: CustomFieldFormat, given: string | undefined): string {
  const reading = readFieldOptions(format, given);
  if ('problem' in reading)
    throw new BadRequest('InvalidFieldOptions', reading.problem, [{ field: 'options', message: reading.problem }]);
  return reading.value;
}

const nameTaken = (name: string) =>
  new Conflict('FieldNameTaken', `A field named "${name}" already exists (names ignore case)`);

@Injectable()
export class FieldsService {
  constructor(private readonly fields: FieldsRepository) {}

  listBuiltin(): BuiltinFieldDto[] {
    return BUILTIN_FIELDS.map(({ key, format, labelFr, labelEn, readOnly }) => ({
      key,
      format,
      labelFr,
      labelEn,
      readOnly,
    }));
  }

  async list(accountId: string): Promise<FieldDto[]> {
    return (await this.fields.listFields(accountId)).map(toFieldDto);
  }

  async get(accountId: string, id: number): Promise<FieldDto> {
    return toFieldDto(await this.mustFind(accountId, id));
  }

  async create(accountId: string, dto: CreateFieldDto): Promise<FieldDto> {
    const name = dto.name.trim();
    await this.ensureNameFree(accountId, name);
    const row = await mapUniqueViolations(
      () =>
        this.fields.insertField(accountId, {
          name,
          description: dto.description ?? '',
          format: dto.format,
          options: options(dto.format, dto.options),
        }),
      { custom_field_account_name_key: () => nameTaken(name) },
    );
    return toFieldDto(row);
  }

  async update(accountId: string, dto: UpdateFieldDto): Promise<FieldDto> {
    const current = await this.mustFind(accountId, dto.id);
    if (dto.format && dto.format !== current.format) {
      throw new BadRequest(
        'FieldFormatImmutable',
        `Field ${dto.id} is ${current.format}; a field's format cannot change`,
      );
    }
    const name = dto.name?.trim() ?? current.name;
    if (name.toLowerCase() !== current.name.toLowerCase()) await this.ensureNameFree(accountId, name, current.id);
    const row = await mapUniqueViolations(
      () =>
        this.fields.updateField(accountId, current.id, {
          name,
          description: dto.description ?? current.description,
          options: dto.options === undefined ? current.options : options(current.format, dto.options),
        }),
      { custom_field_account_name_key: () => nameTaken(name) },
    );
    return toFieldDto(row ?? current);
  }

  async remove(accountId: string, id: number): Promise<void> {
    if (!(await this.fields.deleteField(accountId, id))) throw new NotFound('Field', id);
  }

  async listValues(accountId: string, fieldId: number): Promise<FieldValueDto[]> {
    await this.mustFindList(accountId, fieldId);
    return (await this.fields.listValues(accountId, [fieldId])).map(toValueDto);
  }

  async addValue(accountId: string, fieldId: number, dto: CreateFieldValueDto): Promise<FieldValueDto> {
    await this.mustFindList(accountId, fieldId);
    const text = dto.text.trim();
    return this.fields.transaction(async (em) => {
      await this.fields.lockField(accountId, fieldId, em);
      if (await this.fields.valueTextTaken(accountId, fieldId, text, 0, em)) {
        throw new Conflict('FieldValueTaken', `Field ${fieldId} already has the value "${text}"`);
      }
      const count = await this.fields.countValues(accountId, fieldId, em);
      const position = Math.min(dto.index ?? count + 1, count + 1);
      return toValueDto(await this.fields.insertValueAt(accountId, fieldId, text, position, em));
    });
  }

  async updateValue(accountId: string, dto: UpdateFieldValueDto): Promise<FieldValueDto> {
    const found = await this.fields.findValue(accountId, dto.id);
    if (!found) throw new NotFound('FieldValue', dto.id);
    return this.fields.transaction(async (em) => {
      await this.fields.lockField(accountId, found.fieldId, em);
      const value = (await this.fields.findValue(accountId, dto.id, em)) ?? found;
      const text = dto.text?.trim() ?? value.text;
      if (await this.fields.valueTextTaken(accountId, value.fieldId, text, value.id, em)) {
        throw new Conflict('FieldValueTaken', `Field ${value.fieldId} already has the value "${text}"`);
      }
      const count = await this.fields.countValues(accountId, value.fieldId, em);
      const position = Math.min(dto.index ?? value.position, count);
      return toValueDto(await this.fields.moveValue(accountId, value, text, position, em));
    });
  }

  async removeValue(accountId: string, id: number): Promise<void> {
    const found = await this.fields.findValue(accountId, id);
    if (!found) throw new NotFound('FieldValue', id);
    await this.fields.transaction(async (em) => {
      await this.fields.lockField(accountId, found.fieldId, em);
      const value = await this.fields.findValue(accountId, id, em);
      if (value) await this.fields.deleteValue(accountId, value, em);
    });
  }

  /** Every custom field of the account with its list values, for validating contact writes. */
  async catalogue(accountId: string): Promise<FieldCatalogue> {
    const fields = await this.fields.listFields(accountId);
    const lists = fields.filter((f) => isListFormat(f.format)).map((f) => f.id);
    const values = lists.length > 0 ? await this.fields.listValues(accountId, lists) : [];
    return new FieldCatalogue(fields, values);
  }

  /** Adds the given texts at the end of a list field (those not already there) and records them in the catalogue. */
  async appendValues(accountId: string, catalogue: FieldCatalogue, fieldId: number, texts: string[]): Promise<void> {
    const added = await this.fields.transaction(async (em) => {
      await this.fields.lockField(accountId, fieldId, em);
      return this.fields.appendValues(accountId, fieldId, texts, em);
    });
    added.forEach((value) => catalogue.addValue(value));
  }

  private async mustFind(accountId: string, id: number): Promise<FieldRow> {
    const row = await this.fields.findField(accountId, id);
    if (!row) throw new NotFound('Field', id);
    return row;
  }

  private async mustFindList(accountId: string, id: number): Promise<FieldRow> {
    const row = await this.mustFind(accountId, id);
    if (!isListFormat(row.format)) {
      throw new BadRequest('NotAListField', `Field ${id} is ${row.format}; only list fields have values`);
    }
    return row;
  }

  private async ensureNameFree(accountId: string, name: string, exceptId = 0): Promise<void> {
    if (await this.fields.nameTaken(accountId, name, exceptId)) throw nameTaken(name);
    if (BUILTIN_FIELDS.some((f) => f.key === name.toLowerCase())) {
      throw new Conflict('FieldNameTaken', `"${name}" is a built-in field key; choose another name`);
    }
  }
}
