import { DATE_FORMATS, DateFormat } from '../../common/dates';
import { CustomFieldFormat } from './custom-field.entity';

export const isListFormat = (format: CustomFieldFormat): boolean =>
  format === 'SingleSelection' || format === 'MultipleSelection';

/** Returns the stored options for a format, or a message saying what is accepted. */
export function readFieldOptions(
  format: CustomFieldFormat,
  options: string | undefined,
): { value: string } | { problem: string } {
  const given = options?.trim() ?? '';
  if (format === 'DateTime') {
    if (given === '') return { value: 'dd.mm.yyyy' };
    const normalised = given.toLowerCase().replace(/[/-]/g, '.');
    return (DATE_FORMATS as readonly string[]).includes(normalised)
      ? { value: normalised }
      : { problem: `options of a DateTime field must be one of ${DATE_FORMATS.join(', ')}` };
  }
  if (isListFormat(format)) {
    if (given === '') return { value: 'false' };
    const lowered = given.toLowerCase();
    return lowered === 'true' || lowered === 'false'
      ? { value: lowered }
      : { problem: `options of a ${format} field must be "true" (imports may add values) or "false"` };
  }
  return given === '' ? { value: '' } : { problem: `a ${format} field takes no options` };
}

export const dateFormatOf = (options: string): DateFormat => options as DateFormat;

/** Whether an import may add list values the field does not know yet. */
export const acceptsNewValues = (options: string): boolean => options === 'true';
