import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { EntityManager } from 'typeorm';
import { AccountContext } from '../../common/auth.decorators';
import { invalidContactKeyMessage, readContactKey } from '../../common/contact-key';
import { formatUtc, parseInstant } from '../../common/dates';
import { normalizeEmail } from '../../common/email';
import { BadRequest, Conflict, DomainError, NotFound, PayloadTooLarge } from '../../common/errors';
import { phoneDigitForms, readPhone } from '../../common/phone';
import { uniqueViolation } from '../../common/unique-violation';
import type { CarnetConfig } from '../../config/configuration';
import { CARNET_CONFIG } from '../../database/database.module';
import { BUILTIN_FIELDS } from '../fields/builtin-fields';
import { FieldCatalogue } from '../fields/field-catalogue';
import { FieldsService } from '../fields/fields.service';
import { changedValues, ContactRow, type ListValues, readAttributes, toContactData } from './contact-attributes';
import { changedFieldNames, toContactLog, toContactLogV4 } from './contact-history';
import { contactToken } from './contact-token';
import { applyConsentRules } from './contact-consent';
import { ContactsRepository } from './contacts.repository';
import { SuppressionHasher } from './suppression-hash';
import {
  AddContactActivityDto,
  AnonymisedContactDto,
  BulkContactWriteResultDto,
  BulkItemResultDto,
  ContactActivityAddedDto,
  ContactDataV4Dto,
  ContactHistoryDto,
  ContactHistorySearchDto,
  ContactListQueryDto,
  ContactPageDto,
  ContactWriteDto,
  ContactWriteResultDto,
} from './dto/contact.dto';
import {
  arrivingAddresses,
  suppressedState,
  suppressionChanges,
  suppressionLookups,
  withSuppressions,
} from './suppression-rules';

export const BULK_LIMIT = 500;

/** A contact being anonymised, as other modules find it in what they keep (raw cells of files). */
export interface ErasedContact {
  accountId: string;
  contactId: number;
  /** Its addresses, lower-cased. */
  emails: string[];
  /** Its mobile, phone and fax as the digit strings a file may hold them as. */
  phoneDigits: string[];
}

/**
 * What another module erases of an anonymised contact, in the anonymisation's transaction (the imports module
 * scrubs its error reports and uploads). Registered by the module, since this one cannot depend on it.
 */
export type ErasureStep = (em: EntityManager, contact: ErasedContact) => Promise<void>;

/** Where a change comes from, recorded in the contact's history. */
export interface ChangeSource {
  source: 'api' | 'import' | 'event';
  operationId?: number;
}

const API: ChangeSource = { source: 'api' };

/** Built-in columns holding personal data, blanked by anonymisation. */
const PERSONAL_COLUMNS = BUILTIN_FIELDS.filter(
  (f) => !f.readOnly && !['emailoptin', 'mobileoptin', 'emailstatus', 'mobilestatus', 'type', 'source'].includes(f.key),
).map((f) => f.column);

@Injectable()
export class ContactsService {
  constructor(
    private readonly contacts: ContactsRepository,
    private readonly fields: FieldsService,
    private readonly hasher: SuppressionHasher,
    @Inject(CARNET_CONFIG) private readonly config: CarnetConfig,
  ) {}

  private readonly erasureSteps: ErasureStep[] = [];

  /** Adds what anonymising a contact also erases elsewhere (called once by the module owning that data). */
  addErasureStep(step: ErasureStep): void {
    this.erasureSteps.push(step);
  }

  /** Reads a contact key as the account matches it: lower-cased email, or E.164 mobile. */
  readKey(account: AccountContext, raw: string): string {
    const key = readContactKey(raw, account);
    if (key === undefined) throw new BadRequest('InvalidContactKey', invalidContactKeyMessage(raw, account));
    return key;
  }

  async write(
    account: AccountContext,
    dto: ContactWriteDto,
    mode: 'upsert' | 'update',
  ): Promise<ContactWriteResultDto> {
    const catalogue = await this.fields.catalogue(account.id);
    return this.writeRacing(account, catalogue, dto, mode);
  }

  /**
   * One write in its own transaction. When a concurrent write took the key first (two upserts of one new
   * contact, two contacts moved to one address), the write is made once more: it then sees that contact, and
   * updates it or answers ContactKeyTaken like any write finding the key taken.
   */
  private async writeRacing(
    account: AccountContext,
    catalogue: FieldCatalogue,
    dto: ContactWriteDto,
    mode: 'upsert' | 'update',
  ): Promise<ContactWriteResultDto> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.contacts.transaction((em) => this.writeOne(em, account, catalogue, dto, mode, API));
      } catch (error) {
        if (uniqueViolation(error) !== 'contact_account_unique_key') throw error;
        if (attempt >= 2) {
          throw new Conflict('ContactKeyTaken', `Another contact took this ${account.uniquenessKey} meanwhile`);
        }
      }
    }
  }

  /** Up to 500 writes, each in its own transaction: one bad item does not sink the others. */
  async writeMany(
    account: AccountContext,
    items: unknown,
    mode: 'upsert' | 'update',
  ): Promise<BulkContactWriteResultDto> {
    if (!Array.isArray(items))
      throw new BadRequest('InvalidBody', 'Send a JSON array of {contactKey, attributes} items');
    if (items.length === 0) throw new BadRequest('InvalidBody', 'Send at least one contact');
    if (items.length > BULK_LIMIT) {
      throw new PayloadTooLarge(`At most ${BULK_LIMIT} contacts per call; this one has ${items.length}. Split it.`);
    }
    const catalogue = await this.fields.catalogue(account.id);
    const results: BulkItemResultDto[] = [];
    for (const [index, item] of items.entries()) {
      const dto = plainToInstance(ContactWriteDto, item);
      const contactKey = typeof dto?.contactKey === 'string' ? dto.contactKey : null;
      try {
        const problems = await validate(dto, { whitelist: true });
        if (problems.length > 0) {
          const details = problems.flatMap((p) =>
            Object.values(p.constraints ?? {}).map((message) => ({ field: p.property, message })),
          );
          throw new BadRequest('InvalidItem', details.map((d) => d.message).join('; '), details);
        }
        const result = await this.writeRacing(account, catalogue, dto, mode);
        results.push({ index, contactKey, status: result.status, id: result.id, warnings: result.warnings });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        results.push({
          index,
          contactKey,
          status: 'error',
          statusCode: error.status,
          code: error.code,
          message: error.message,
          ...(error.details ? { details: error.details } : {}),
        });
      }
    }
    const count = (status: string) => results.filter((r) => r.status === status).length;
    return {
      created: count('created'),
      updated: count('updated'),
      unchanged: count('unchanged'),
      failed: count('error'),
      results,
    };
  }

  private async writeOne(
    em: EntityManager,
    account: AccountContext,
    catalogue: FieldCatalogue,
    dto: ContactWriteDto,
    mode: 'upsert' | 'update',
    origin: ChangeSource,
  ): Promise<ContactWriteResultDto> {
    const key = this.readKey(account, dto.contactKey);
    const { patch, errors } = readAttributes(dto.attributes, { catalogue, defaultCountry: account.defaultCountry });
    if (errors.length > 0) {
      throw new BadRequest('InvalidAttributes', errors.map((e) => e.message).join('; '), errors);
    }
    const keyColumn = account.uniquenessKey;
    const requestedKey = patch.columns[keyColumn];
    if (requestedKey === null) {
      throw new BadRequest('KeyRequired', `${keyColumn} is this account's uniqueness key and cannot be emptied`);
    }
    const force = dto.force === true;
    const now = new Date();
    const existing = await this.contacts.findByKey(account.id, key, em, true);

    if (!existing) {
      if (mode === 'update') throw new NotFound('Contact', dto.contactKey);
      if (requestedKey !== undefined && requestedKey !== key) {
        throw new BadRequest(
          'KeyMismatch',
          `contactKey "${dto.contactKey}" and the ${keyColumn} attribute disagree; send one value`,
        );
      }
      const requested = { ...patch.columns, [keyColumn]: key };
      const suppressed = suppressedState(await this.suppressionsOf(em, account.id, requested));
      const { columns, refusals } = applyConsentRules(suppressed, requested, { force, isNew: true, now });
      const row = await this.contacts.insert(em, account.id, key, columns, patch.fields);
      await this.contacts.addHistory(em, account.id, [
        {
          contactId: row.id,
          type: 'creation',
          object: changedFieldNames(columns, patch.fields),
          title: `Created by ${describe(origin)}`,
          source: origin.source,
          operationId: origin.operationId,
        },
      ]);
      return { id: row.id, contactKey: key, status: 'created', warnings: refusals };
    }

    const newKey = (requestedKey as string | undefined) ?? key;
    if (newKey !== key && (await this.contacts.findByKey(account.id, newKey, em))) {
      throw new Conflict('ContactKeyTaken', `Another contact already has the ${keyColumn} "${newKey}"`);
    }
    const arriving = await this.suppressionsOf(em, account.id, arrivingAddresses(existing, patch.columns));
    const inherited = withSuppressions(existing, patch.columns, arriving, force);
    const consent = applyConsentRules(existing, inherited.requested, { force, isNew: false, now });
    const { columns } = consent;
    const refusals = [...inherited.refusals, ...consent.refusals];
    const { columns: changedColumns, fields: changedFields } = changedValues(existing, columns, patch.fields);
    if (Object.keys(changedColumns).length === 0 && Object.keys(changedFields).length === 0) {
      return { id: existing.id, contactKey: key, status: 'unchanged', warnings: refusals };
    }
    await this.contacts.update(em, account.id, existing.id, newKey, changedColumns, changedFields);
    const object = changedFieldNames(changedColumns, changedFields);
    await this.contacts.addHistory(em, account.id, [
      {
        contactId: existing.id,
        type: 'update',
        object,
        title: `Updated by ${describe(origin)}${force ? ' (forced)' : ''}: ${object}`,
        source: origin.source,
        operationId: origin.operationId,
      },
    ]);
    return { id: existing.id, contactKey: newKey, status: 'updated', warnings: refusals };
  }

  /** The opt-outs and hard statuses remembered for these addresses (columns `email`, `mobile`). */
  private suppressionsOf(em: EntityManager, accountId: string, addresses: Record<string, unknown>) {
    return this.contacts.findSuppressions(em, accountId, suppressionLookups(this.hasher, accountId, addresses));
  }

  /** Keeps the opt-outs and hard statuses of a contact leaving the base; drops records it made stale. */
  private async keepSuppression(em: EntityManager, accountId: string, row: ContactRow, erased: boolean) {
    const { upserts, removals } = suppressionChanges(this.hasher, accountId, [row], erased);
    await this.contacts.upsertSuppressions(em, accountId, upserts);
    await this.contacts.deleteSuppressions(em, accountId, removals);
  }

  /** The contacts holding this key, as the v4 reads answer: an array (several when duplicates share it). */
  async getByKey(account: AccountContext, contactKey: string, lists: ListValues): Promise<ContactDataV4Dto[]> {
    const rows = await this.contacts.findAllByKey(account.id, account.uniquenessKey, this.readKey(account, contactKey));
    if (rows.length === 0) throw new NotFound('Contact', contactKey);
    return this.toContactDataV4(account, rows, lists);
  }

  async getById(account: AccountContext, id: number, lists: ListValues): Promise<ContactDataV4Dto[]> {
    const row = await this.contacts.findById(account.id, id);
    if (!row) throw new NotFound('Contact', id);
    return this.toContactDataV4(account, [row], lists);
  }

  private async toContactDataV4(account: AccountContext, rows: ContactRow[], lists: ListValues) {
    const catalogue = await this.fields.catalogue(account.id);
    const secret = this.config.secretKey;
    if (!secret) throw new Error('SECRET_KEY is not configured');
    return rows.map((row) => ({
      ...toContactData(row, catalogue, account.activityDays, lists),
      idEncrypted: contactToken(secret, account.id, Number(row.id)),
    }));
  }

  async deleteByKey(account: AccountContext, contactKey: string): Promise<void> {
    const key = this.readKey(account, contactKey);
    await this.contacts.transaction(async (em) => {
      const row = await this.contacts.findByKey(account.id, key, em, true);
      if (!row) throw new NotFound('Contact', contactKey);
      await this.deleteRow(em, account.id, row);
    });
  }

  async deleteById(account: AccountContext, id: number): Promise<void> {
    await this.contacts.transaction(async (em) => {
      const row = await this.contacts.findById(account.id, id, em, true);
      if (!row) throw new NotFound('Contact', id);
      await this.deleteRow(em, account.id, row);
    });
  }

  private async deleteRow(em: EntityManager, accountId: string, row: ContactRow): Promise<void> {
    await this.keepSuppression(em, accountId, row, false);
    await this.contacts.delete(em, accountId, row.id);
  }

  /** GDPR erasure: personal data blanked, the row kept anonymous, only the suppression hashes remain. */
  async anonymise(account: AccountContext, id: number): Promise<AnonymisedContactDto> {
    return this.contacts.transaction(async (em) => {
      const row = await this.contacts.findById(account.id, id, em, true);
      if (!row) throw new NotFound('Contact', id);
      if (row.anonymised_at) {
        throw new DomainError(HttpStatus.CONFLICT, 'AlreadyAnonymised', `Contact ${id} was already anonymised`);
      }
      await this.keepSuppression(em, account.id, row, true);
      const erased = erasedContact(account.id, row);
      await this.contacts.anonymise(em, account.id, id, PERSONAL_COLUMNS);
      await this.contacts.scrubHistory(em, account.id, id);
      for (const step of this.erasureSteps) await step(em, erased);
      await this.contacts.addHistory(em, account.id, [
        {
          contactId: id,
          type: 'anonymisation',
          object: 'all personal fields',
          title: 'Personal data erased on request',
          source: 'api',
        },
      ]);
      return { id, anonymisedAt: formatUtc(new Date()) };
    });
  }

  /** The v4 history: `contactFound` 0 or 1, entries with PascalCase keys. */
  async history(account: AccountContext, contactKey: string, size: number): Promise<ContactHistoryDto> {
    const found = await this.historyOf(account, contactKey, size);
    if (!found) return { contactKey, contactFound: 0, records: 0, logs: [] };
    return { contactKey, contactFound: 1, records: found.records, logs: found.entries.map(toContactLogV4) };
  }

  /** Carnet's own history search (camelCase entries). */
  async searchHistory(account: AccountContext, contactKey: string, size: number): Promise<ContactHistorySearchDto> {
    const found = await this.historyOf(account, contactKey, size);
    if (!found) return { contactKey, contactFound: false, records: 0, logs: [] };
    return { contactKey, contactFound: true, records: found.records, logs: found.entries.map(toContactLog) };
  }

  private async historyOf(account: AccountContext, contactKey: string, size: number) {
    const row = await this.contacts.findByKey(account.id, this.readKey(account, contactKey));
    if (!row) return undefined;
    const entries = await this.contacts.listHistory(account.id, row.id, size);
    return { entries, records: await this.contacts.countHistory(account.id, row.id) };
  }

  /** v4 `POST /contact/history`: records what a sending system reports about a contact, with source `api`. */
  async addActivity(account: AccountContext, dto: AddContactActivityDto): Promise<ContactActivityAddedDto> {
    const key = this.readKey(account, dto.contactKey);
    const entries = dto.logs.map((log, index) => {
      const when = log.LogDate ?? log.Date;
      const happenedAt = when === undefined ? new Date() : parseInstant(when);
      if (!happenedAt) {
        throw new BadRequest(
          'InvalidActivityDate',
          `logs[${index}].LogDate "${when}" is not a date; use UTC yyyy-MM-dd HH:mm:ss or ISO 8601`,
        );
      }
      return {
        type: log.Type?.trim() || 'activity',
        object: log.Object ?? '',
        title: log.Title,
        source: 'api',
        operationId: log.OperationId ?? null,
        happenedAt,
      };
    });
    return this.contacts.transaction(async (em) => {
      const row = await this.contacts.findByKey(account.id, key, em);
      if (!row) throw new NotFound('Contact', dto.contactKey);
      await this.contacts.addHistory(
        em,
        account.id,
        entries.map((entry) => ({ ...entry, contactId: row.id })),
      );
      return { contactKey: key, added: entries.length };
    });
  }

  async list(account: AccountContext, query: ContactListQueryDto): Promise<ContactPageDto> {
    const limit = query.limit ?? 100;
    const afterId = query.cursor ? decodeCursor(query.cursor) : 0;
    const rows = await this.contacts.list(account.id, {
      limit: limit + 1,
      afterId,
      email: query.email === undefined ? undefined : normalizeEmail(query.email),
      mobile:
        query.mobile === undefined
          ? undefined
          : (readPhone(query.mobile, account.defaultCountry)?.e164 ?? query.mobile),
      groupId: query.groupId,
      updatedSince: query.updatedSince ? new Date(query.updatedSince) : undefined,
    });
    const page = rows.slice(0, limit);
    const catalogue = await this.fields.catalogue(account.id);
    return {
      contacts: page.map((row) => toContactData(row, catalogue, account.activityDays)),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].id) : null,
    };
  }

  /** Re-keys the account's contacts when its uniqueness key changes, in the caller's transaction. */
  async applyUniquenessKey(
    em: EntityManager,
    accountId: string,
    key: 'email' | 'mobile',
    allowDuplicates: boolean,
  ): Promise<void> {
    const shared = await this.contacts.applyUniquenessKey(em, accountId, key, allowDuplicates);
    if (shared.length > 0) {
      throw new Conflict(
        'UniquenessKeyConflict',
        `Cannot key contacts by ${key}: several contacts share ${shared.map((s) => `"${s}"`).join(', ')}. Merge them or allow duplicates first.`,
      );
    }
  }
}

function erasedContact(accountId: string, row: ContactRow): ErasedContact {
  const text = (column: string) => (typeof row[column] === 'string' && row[column] !== '' ? [row[column]] : []);
  return {
    accountId,
    contactId: row.id,
    emails: text('email').map((email) => email.toLowerCase()),
    phoneDigits: [...new Set(['mobile', 'phone', 'fax'].flatMap(text).flatMap(phoneDigitForms))],
  };
}

function describe(origin: ChangeSource): string {
  return origin.source === 'import' ? `import ${origin.operationId}` : origin.source === 'event' ? 'event' : 'API';
}

function encodeCursor(id: number): string {
  return Buffer.from(`c:${id}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^c:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new BadRequest('InvalidCursor', 'cursor is not one this API returned; pass nextCursor unchanged');
  return Number(match[1]);
}
