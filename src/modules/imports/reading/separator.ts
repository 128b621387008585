import { importFileErrors } from './import-file-errors';

/** The column separators the API accepts. The API sends the word `tab` for a tab. */
export const SEPARATORS = [',', ';', '\t', ' ', '-', '|', '*', ':', '.', '&', '/', '\\', '+', '"'] as const;
export type Separator = (typeof SEPARATORS)[number];

/** How the API names each separator: the character itself, or `tab`. */
export const separatorName = (separator: Separator): string => (separator === '\t' ? 'tab' : separator);

/** The separator asked for, or `undefined` when none is (the file's own is then detected). */
export function readSeparator(raw: string | null | undefined): Separator | undefined {
  if (raw == null || raw === '' || raw.toLowerCase() === 'auto') return undefined;
  const wanted = raw.toLowerCase() === 'tab' ? '\t' : raw;
  const found = SEPARATORS.find((separator) => separator === wanted);
  if (!found) throw importFileErrors.unsupportedSeparator(raw, SEPARATORS.map(separatorName));
  return found;
}

/** The separators a file's own is detected among, by order of preference when they score the same. */
const DETECTED: readonly Separator[] = [';', ',', '\t', '|'];
const SAMPLE_LINES = 50;

/**
 * The separator of a delimited text, from its first lines: the candidate that splits the lines into the most
 * consistent number (more than one) of columns, ignoring separators inside double quotes.
 * Candidates: `;` `,` tab `|` (not `:` or `.`, found in times, URLs and decimals of single-column files).
 * A text with none of them is a single column: `,`.
 */
export function detectSeparator(sampleText: string): Separator {
  let best: { separator: Separator; consistency: number; columns: number } | undefined;
  for (const separator of DETECTED) {
    const counts = columnCounts(sampleText, separator, SAMPLE_LINES);
    const { value: columns, share: consistency } = mode(counts);
    if (columns < 2) continue;
    // Clearly more consistent wins; about as consistent (within 10 %): more columns wins, then the earlier candidate.
    if (
      !best ||
      consistency > best.consistency + 0.1 ||
      (consistency >= best.consistency - 0.1 && columns > best.columns)
    ) {
      best = { separator, consistency, columns };
    }
  }
  return best?.separator ?? ',';
}

/** The number of fields of each of the first `limit` non-blank records, quotes honoured. */
export function columnCounts(text: string, separator: string, limit: number): number[] {
  const counts: number[] = [];
  let fields = 1;
  let blank = true;
  let quoted = false;
  let atFieldStart = true;
  // The last record may be cut off by the end of the sample: it is left out, unless it is the only one.
  for (let i = 0; i < text.length && counts.length < limit; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') i++;
        else quoted = false;
      }
      continue;
    }
    if (char === '\r' || char === '\n') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      if (!blank) counts.push(fields);
      fields = 1;
      blank = true;
      atFieldStart = true;
      continue;
    }
    if (char === separator) {
      fields++;
      blank = false;
      atFieldStart = true;
      continue;
    }
    if (char === '"' && atFieldStart) {
      quoted = true;
      blank = false;
      atFieldStart = false;
      continue;
    }
    if (char !== ' ' && char !== '\t') blank = false;
    if (char !== ' ') atFieldStart = false;
  }
  if (!blank && counts.length === 0) counts.push(fields);
  return counts;
}

/** The most frequent value and the share of the values it accounts for; `0` for none. */
function mode(values: readonly number[]): { value: number; share: number } {
  const frequency = new Map<number, number>();
  for (const value of values) frequency.set(value, (frequency.get(value) ?? 0) + 1);
  let best = { value: 0, count: 0 };
  for (const [value, count] of frequency) {
    if (count > best.count || (count === best.count && value > best.value)) best = { value, count };
  }
  return { value: best.value, share: values.length === 0 ? 0 : best.count / values.length };
}
