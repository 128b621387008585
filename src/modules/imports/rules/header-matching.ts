import { BUILTIN_FIELDS, builtinField } from '../../fields/builtin-fields';
import type { CustomFieldDefinition, FieldCatalogue } from '../../fields/field-catalogue';
import { type ColumnProfile, contentFit, profileColumn } from './column-content';
import { HEADER_SYNONYMS, KEY_CHANNEL_SYNONYMS } from './header-synonyms';
import { editDistance } from './text-distance';

export interface ColumnSample {
  header: string;
  samples: string[];
}

export interface MatchingOptions {
  uniquenessKey: 'email' | 'mobile';
  defaultCountry: string;
}

export interface ColumnSuggestion {
  /** 0-based position of the column in the file. */
  column: number;
  header: string;
  /** A built-in key, a custom field id as a string, `groups`, or `''` to ignore the column. */
  matching: string;
  /** 0..1; 0 when nothing is suggested. */
  confidence: number;
  reason: string;
}

interface Candidate {
  matching: string;
  confidence: number;
  reason: string;
  /** False for multi-select fields, which several X columns may feed. */
  exclusive: boolean;
}

interface HeaderName {
  matching: string;
  confidence: number;
  /** The name as the synonym table writes it, for reasons. */
  name: string;
  note?: string;
}

interface HeaderIndex {
  builtins: Map<string, HeaderName[]>;
  customByName: Map<string, CustomFieldDefinition[]>;
  multiSelectValues: Map<string, { field: CustomFieldDefinition; value: string }[]>;
}

const NO_MATCH = 'no matching field; choose one or ignore';
const MIN_CONFIDENCE = 0.5;

/**
 * The comparable form of a header: accents, case, punctuation and spaces dropped, and a plural
 * `s` taken off each word (`Téléphones  mobiles` → `telephonemobile`, `first_name` → `firstname`).
 */
export function normaliseHeader(text: string): string {
  return headerWords(text).join('');
}

function headerWords(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss')
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word));
}

/** A header in comparable form, with where its words start and end so a name is only found as whole words. */
interface HeaderKey {
  compact: string;
  boundaries: Set<number>;
}

function headerKey(text: string): HeaderKey {
  const boundaries = new Set([0]);
  let compact = '';
  for (const word of headerWords(text)) {
    compact += word;
    boundaries.add(compact.length);
  }
  return { compact, boundaries };
}

function pushTo<T>(map: Map<string, T[]>, key: string, item: T): void {
  if (key === '') return;
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}

function buildIndex(catalogue: FieldCatalogue, uniquenessKey: MatchingOptions['uniquenessKey']): HeaderIndex {
  const builtins = new Map<string, HeaderName[]>();
  const addName = (entry: HeaderName) => {
    const key = normaliseHeader(entry.name);
    if (!builtins.get(key)?.some((known) => known.matching === entry.matching)) pushTo(builtins, key, entry);
  };
  for (const { matching, names, confidence } of HEADER_SYNONYMS) {
    for (const name of names) addName({ matching, confidence, name });
  }
  const note = `no channel named: taken for ${uniquenessKey === 'mobile' ? 'SMS' : 'email'}, the uniqueness key's channel`;
  for (const { suffix, names } of KEY_CHANNEL_SYNONYMS) {
    for (const name of names) addName({ matching: `${uniquenessKey}${suffix}`, confidence: 0.9, name, note });
  }
  for (const field of BUILTIN_FIELDS.filter((builtin) => !builtin.readOnly)) {
    for (const name of [field.labelFr, field.labelEn, field.key]) {
      if (!builtins.has(normaliseHeader(name))) addName({ matching: field.key, confidence: 0.95, name });
    }
  }

  const customByName = new Map<string, CustomFieldDefinition[]>();
  const multiSelectValues = new Map<string, { field: CustomFieldDefinition; value: string }[]>();
  for (const field of catalogue.byId.values()) {
    pushTo(customByName, normaliseHeader(field.name), field);
    if (field.format !== 'MultipleSelection') continue;
    for (const value of field.valuesById.values()) {
      pushTo(multiSelectValues, normaliseHeader(value.text), { field, value: value.text });
    }
  }
  return { builtins, customByName, multiSelectValues };
}

function labelOf(matching: string, catalogue: FieldCatalogue): string {
  if (matching === 'groups') return 'Groups';
  const builtin = builtinField(matching);
  if (builtin) return builtin.labelEn;
  const field = catalogue.field(Number(matching));
  return field ? `custom field "${field.name}"` : matching;
}

/**
 * How close a header is to a known name: a slip or two (not a length change of two, which turns
 * `subscribed` into `unsubscribed`), or the name as whole words of a longer header (so that
 * `désabonnement` does not contain `abonnement`).
 */
function resemblance({ compact, boundaries }: HeaderKey, name: string): { factor: number; how: string } | undefined {
  if (name.length >= 5 && Math.abs(compact.length - name.length) <= 1) {
    const distance = editDistance(compact, name);
    if (distance <= (name.length >= 9 ? 2 : 1)) return { factor: 1 - 0.15 * distance, how: 'resembles' };
  }
  if (name.length < 4) return undefined;
  for (let at = compact.indexOf(name); at >= 0; at = compact.indexOf(name, at + 1)) {
    if (boundaries.has(at) && boundaries.has(at + name.length)) {
      return { factor: 0.5 + 0.4 * (name.length / compact.length), how: 'contains' };
    }
  }
  return undefined;
}

function builtinCandidates(header: string, key: HeaderKey, index: HeaderIndex, catalogue: FieldCatalogue) {
  const candidate = (name: HeaderName, confidence: number, reason: string): Candidate => ({
    matching: name.matching,
    confidence,
    reason: name.note ? `${reason} (${name.note})` : reason,
    exclusive: true,
  });
  const exact = index.builtins.get(key.compact);
  if (exact) {
    return exact.map((name) =>
      candidate(name, name.confidence, `header "${header}" names ${labelOf(name.matching, catalogue)}`),
    );
  }
  const found: Candidate[] = [];
  if (key.compact === '') return found;
  for (const [known, names] of index.builtins) {
    const close = resemblance(key, known);
    if (!close) continue;
    for (const name of names) {
      found.push(candidate(name, name.confidence * close.factor, `header "${header}" ${close.how} "${name.name}"`));
    }
  }
  return found;
}

/**
 * Values that fit the field confirm a header (an exact name reaches 0.99, a near miss stays below
 * it); values that clearly do not fit lower it.
 */
function weighByContent(candidate: Candidate, profile: ColumnProfile, catalogue: FieldCatalogue): Candidate {
  const count = profile.values.length;
  const fit = count > 0 ? contentFit(candidate.matching, profile, catalogue) : undefined;
  if (!fit) return candidate;
  const share = fit.fits / count;
  if (share >= 0.6) {
    return {
      ...candidate,
      confidence: Math.min(0.99, candidate.confidence + 0.04 * share),
      reason: `${candidate.reason}; ${fit.fits} of ${count} sample values are ${fit.what}`,
    };
  }
  if (count >= 2 && fit.misfits / count >= 0.7) {
    return {
      ...candidate,
      confidence: candidate.confidence * 0.6,
      reason: `${candidate.reason}, but only ${fit.fits} of ${count} sample values are ${fit.what}`,
    };
  }
  return candidate;
}

function customNameCandidates(header: string, compact: string, index: HeaderIndex): Candidate[] {
  return (index.customByName.get(compact) ?? []).map((field) => ({
    matching: String(field.id),
    // Just above a built-in synonym: a field the account created by that name is what it means.
    confidence: 0.96,
    reason: `header "${header}" is the name of custom field "${field.name}"`,
    exclusive: field.format !== 'MultipleSelection',
  }));
}

/** An "X column": its header is a value of a multi-select field and its cells are X marks or empty. */
function xColumnCandidates(header: string, compact: string, profile: ColumnProfile, index: HeaderIndex): Candidate[] {
  if (profile.marks < profile.values.length) return [];
  const marked = profile.marks > 0;
  return (index.multiSelectValues.get(compact) ?? []).map(({ field, value }) => ({
    matching: String(field.id),
    confidence: marked ? 0.9 : 0.6,
    reason:
      `header "${header}" is the value "${value}" of multi-select field "${field.name}"` +
      (marked ? ' and the column holds X marks' : ''),
    exclusive: false,
  }));
}

/** What the cells alone suggest, whatever the header says. */
function contentCandidates(profile: ColumnProfile): Candidate[] {
  const count = profile.values.length;
  const kinds = [
    { matching: 'email', found: profile.emails, what: 'email addresses', base: 0.55 },
    { matching: 'mobile', found: profile.mobiles, what: 'mobile numbers', base: 0.5 },
    { matching: 'phone', found: profile.landlines, what: 'landline numbers', base: 0.5 },
  ];
  return kinds
    .filter(({ found }) => count > 0 && found / count >= 0.6)
    .map(({ matching, found, what, base }) => ({
      matching,
      confidence: base + 0.35 * (found / count),
      reason: `${found} of ${count} sample values are ${what}`,
      exclusive: true,
    }));
}

/** Every plausible matching for one column, best first, one per target. */
function rankCandidates(
  { header, samples }: ColumnSample,
  index: HeaderIndex,
  catalogue: FieldCatalogue,
  defaultCountry: string,
): Candidate[] {
  const key = headerKey(header);
  const profile = profileColumn(samples, defaultCountry);
  const byHeader = [
    ...customNameCandidates(header, key.compact, index),
    ...builtinCandidates(header, key, index, catalogue),
  ].map((candidate) => weighByContent(candidate, profile, catalogue));
  const all = [...byHeader, ...xColumnCandidates(header, key.compact, profile, index), ...contentCandidates(profile)];
  const best = new Map<string, Candidate>();
  for (const candidate of all) {
    const known = best.get(candidate.matching);
    if (!known || candidate.confidence > known.confidence) best.set(candidate.matching, candidate);
  }
  return [...best.values()]
    .filter((candidate) => candidate.confidence >= MIN_CONFIDENCE)
    .sort((a, b) => b.confidence - a.confidence);
}

const round = (confidence: number) => Math.round(confidence * 100) / 100;

/**
 * Gives each column its best matching, most confident columns first, so that no built-in key
 * (nor single-valued custom field, nor `groups`) goes to two columns: a column whose favourite
 * is taken falls back to its next candidate, or to `''` when it has none.
 */
function assignMatchings(columns: ColumnSample[], ranked: Candidate[][], catalogue: FieldCatalogue) {
  const chosen = new Map<number, Candidate>();
  const takenBy = new Map<string, number>();
  const isFree = (candidate: Candidate) => !candidate.exclusive || !takenBy.has(candidate.matching);
  for (;;) {
    let best: { column: number; candidate: Candidate } | undefined;
    for (let column = 0; column < columns.length; column++) {
      const candidate = chosen.has(column) ? undefined : ranked[column].find(isFree);
      if (candidate && (!best || candidate.confidence > best.candidate.confidence)) best = { column, candidate };
    }
    if (!best) break;
    chosen.set(best.column, best.candidate);
    if (best.candidate.exclusive) takenBy.set(best.candidate.matching, best.column);
  }

  const takenNote = (candidate: Candidate) => {
    const owner = columns[takenBy.get(candidate.matching) ?? -1]?.header ?? '';
    return `${labelOf(candidate.matching, catalogue)} is already matched to column "${owner}"`;
  };
  return columns.map(({ header }, column): ColumnSuggestion => {
    const candidate = chosen.get(column);
    const favourite = ranked[column][0];
    if (!candidate) {
      const reason = favourite ? `${takenNote(favourite)}; choose another field or ignore` : NO_MATCH;
      return { column, header, matching: '', confidence: 0, reason };
    }
    const reason = candidate === favourite ? candidate.reason : `${candidate.reason}; ${takenNote(favourite)}`;
    return { column, header, matching: candidate.matching, confidence: round(candidate.confidence), reason };
  });
}

/**
 * Suggests a matching for every column of a file (SPEC §5, guided flow step 2) from its header,
 * in French or English, and from its sample cells; each suggestion has a confidence and a reason
 * the wizard can show.
 */
export function suggestMatchings(
  columns: ColumnSample[],
  catalogue: FieldCatalogue,
  options: MatchingOptions,
): ColumnSuggestion[] {
  const index = buildIndex(catalogue, options.uniquenessKey);
  const ranked = columns.map((column) => rankCandidates(column, index, catalogue, options.defaultCountry));
  return assignMatchings(columns, ranked, catalogue);
}
