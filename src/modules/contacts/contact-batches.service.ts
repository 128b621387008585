import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { AccountContext } from '../../common/auth.decorators';
import { changedValues, type ContactRow } from './contact-attributes';
import { applyConsentRules, CHANNEL_COLUMNS } from './contact-consent';
import type { ChangedContact, ContactDeliverability, EventChange } from '../deliverability-status/event-batch';
import { ContactBatchesRepository, type ContactChange, type NewContact } from './contact-batches.repository';
import { changedFieldNames } from './contact-history';
import {
  changedDeliverabilityColumns,
  type DeliverabilityLookup,
  LOOKUP_KINDS,
  lookupKey,
  readDeliverability,
} from './contact-deliverability';
import { ContactsRepository, type HistoryEntry, type SuppressionRow } from './contacts.repository';
import { GroupsRepository } from './groups.repository';
import { SuppressionHasher } from './suppression-hash';
import {
  arrivingAddresses,
  suppressedState,
  suppressionChanges,
  suppressionLookups,
  withSuppressions,
} from './suppression-rules';

/**
 * Another writer created or changed one of the batch's contacts between the batch's read and its writes:
 * the caller rolls the transaction back and runs the batch again, which then sees the new state.
 */
export class ContactsChangedMeanwhile extends Error {
  constructor() {
    super('Contacts of the batch changed while it was written; run it again');
  }
}

/** The contacts a batch of events names, locked for the rest of the transaction. */
export interface LockedDeliverability {
  /** Each contact locked, once. */
  contacts: ContactDeliverability[];
  /** The ids of the contacts locked for each value named (by `lookupKey`). */
  idsOf: Map<string, number[]>;
  /** The values some of whose contacts another transaction holds (by `lookupKey`; `skip-busy` only). */
  busy: Set<string>;
}

const NO_SUPPRESSIONS: SuppressionRow[] = [];

interface Membership {
  groupId: number;
  contactId: number;
}

/** One contact a file brings, already read and validated. */
export interface IncomingContact {
  key: string;
  columns: Record<string, unknown>;
  fields: Record<string, unknown>;
  groups: string[];
}

export interface BatchOptions {
  operationId: number;
  /** `update`: add new and update existing; `add`: add new only; `always-add`: add every row (duplicates). */
  mode: 'update' | 'add' | 'always-add';
  /** Groups every contact of the batch joins. */
  groupIds?: readonly number[];
  /** Said in the history title of every contact the batch writes (e.g. that the import unsubscribed everyone). */
  note?: string;
  now: Date;
}

export interface BatchOutcome {
  /** Per incoming contact, in order: what happened to it. */
  results: ('added' | 'updated' | 'unchanged' | 'skipped')[];
  /** Contacts whose opt-out or hard status the batch asked to undo and could not. */
  keptOptOut: number;
  /** Per incoming contact: whether this same operation already wrote it (an earlier row of the file). */
  repeated: boolean[];
}

/** The stored columns a batch needs: those the file writes, and those the consent rules read. */
function comparedColumns(incoming: IncomingContact[]): string[] {
  const names = new Set(
    CHANNEL_COLUMNS.flatMap((c) => [
      c.key,
      c.optIn,
      c.unsubscriptionDate,
      c.unsubscriptionReason,
      c.status,
      c.statusDate,
      c.statusDetail,
    ]),
  );
  for (const contact of incoming) for (const name of Object.keys(contact.columns)) names.add(name);
  return [...names];
}

/**
 * Writes many contacts at once under the same consent rules as a single write: one locking read, one
 * insert, one update, one history insert per batch. The caller owns the transaction.
 */
@Injectable()
export class ContactBatchesService {
  constructor(
    private readonly batches: ContactBatchesRepository,
    private readonly contacts: ContactsRepository,
    private readonly groups: GroupsRepository,
    private readonly hasher: SuppressionHasher,
  ) {}

  async importBatch(
    em: EntityManager,
    account: AccountContext,
    incoming: IncomingContact[],
    options: BatchOptions,
  ): Promise<BatchOutcome> {
    const existing =
      options.mode === 'always-add'
        ? new Map<string, ContactRow & { row_version: string }>()
        : new Map(
            (
              await this.batches.findByKeys(
                em,
                account.id,
                incoming.map((c) => c.key),
                comparedColumns(incoming),
                incoming.some((c) => Object.keys(c.fields).length > 0),
              )
            ).map((row) => [row.unique_key as string, row]),
          );
    const results: BatchOutcome['results'] = [];
    const creations: { index: number; contact: IncomingContact }[] = [];
    const changes: ContactChange[] = [];
    const contactIds: (number | undefined)[] = [];
    const repeated = incoming.map(() => false);
    let keptOptOut = 0;
    // What suppression keeps for the addresses each contact brings: all of a new one's, those an existing one lacks.
    const suppressions = await this.suppressionsOf(em, account.id, incoming, existing);

    incoming.forEach((contact, index) => {
      const row = existing.get(contact.key);
      if (!row) {
        creations.push({ index, contact });
        return;
      }
      contactIds[index] = row.id;
      repeated[index] =
        row.created_by_import_id === options.operationId || row.updated_by_import_id === options.operationId;
      // `add` leaves existing contacts alone, but a later row of the same file still replaces an earlier one.
      if (options.mode === 'add' && !repeated[index]) {
        results[index] = 'skipped';
        return;
      }
      const inherited = withSuppressions(row, contact.columns, suppressions[index], false);
      const { columns, refusals } = applyConsentRules(row, inherited.requested, {
        force: false,
        isNew: false,
        now: options.now,
      });
      if (refusals.length > 0 || inherited.refusals.length > 0) keptOptOut++;
      const change = changedValues(row, columns, contact.fields);
      if (Object.keys(change.columns).length === 0 && Object.keys(change.fields).length === 0) {
        results[index] = 'unchanged';
        return;
      }
      changes.push({ id: row.id, version: row.row_version, ...change });
      results[index] = 'updated';
    });

    const inserted = await this.insertNew(em, account.id, creations, suppressions, options, (index, id) => {
      contactIds[index] = id;
    });
    for (const { index } of creations) {
      const id = contactIds[index];
      if (id === undefined || !inserted.ids.has(id)) throw new ContactsChangedMeanwhile();
      results[index] = 'added';
    }
    keptOptOut += inserted.keptOptOut;
    if ((await this.batches.updateMany(em, account.id, options.operationId, changes)) < changes.length) {
      throw new ContactsChangedMeanwhile();
    }
    await this.joinGroups(em, account.id, incoming, contactIds, results, options.groupIds ?? []);
    await this.recordHistory(em, account.id, this.historyOf(incoming, contactIds, results, options));
    return { results, keptOptOut, repeated };
  }

  /**
   * The contacts that events name by key, email or mobile, locked for the rest of the transaction. With
   * `skip-busy`, contacts another transaction holds are left out and the values naming them come back as busy
   * (a value no contact holds is not busy: it names nobody).
   */
  async lockDeliverability(
    em: EntityManager,
    accountId: string,
    lookup: DeliverabilityLookup,
    locking: 'wait' | 'skip-busy',
  ): Promise<LockedDeliverability> {
    const rows = await this.batches.lockDeliverability(em, accountId, lookup, locking);
    const contacts = new Map<number, ContactDeliverability>();
    const idsOf = new Map<string, number[]>();
    const holders = new Map<string, number>();
    for (const row of rows) {
      const key = lookupKey(LOOKUP_KINDS[row.probed_kind], row.probed);
      const ids = idsOf.get(key) ?? [];
      if (row.id != null) {
        const id = Number(row.id);
        if (!contacts.has(id)) contacts.set(id, readDeliverability(row));
        ids.push(id);
      }
      idsOf.set(key, ids);
      if (row.holders !== undefined) holders.set(key, row.holders);
    }
    const busy = new Set([...holders].filter(([key, count]) => idsOf.get(key)!.length < count).map(([key]) => key));
    return { contacts: [...contacts.values()], idsOf, busy };
  }

  /** Saves what events changed, each change recorded in the contact's history with the event's own time. */
  async saveDeliverability(
    em: EntityManager,
    accountId: string,
    contacts: ChangedContact[],
    changes: EventChange[],
  ): Promise<void> {
    await this.batches.saveDeliverability(
      em,
      accountId,
      contacts.map(({ before, contact, modified }) =>
        changedDeliverabilityColumns(before, contact, { id: contact.id, modified }),
      ),
    );
    await this.recordHistory(
      em,
      accountId,
      changes.map((change) => ({
        contactId: change.contactId,
        type: 'event',
        object: change.fields.join(', '),
        title: change.title,
        source: 'event',
        happenedAt: change.at,
      })),
    );
  }

  private async recordHistory(em: EntityManager, accountId: string, entries: HistoryEntry[]): Promise<void> {
    if (this.batches.canCopy) await this.batches.copyHistory(em, accountId, entries);
    else await this.contacts.addHistory(em, accountId, entries);
  }

  /**
   * Deletes the contacts holding `keys`, keeping their opt-outs and hard statuses as suppression records and
   * removing the records of addresses they hold subscribed and deliverable.
   */
  async purgeBatch(em: EntityManager, accountId: string, keys: string[]): Promise<Set<string>> {
    const rows = await this.batches.lockByKeys(em, accountId, keys);
    const { upserts, removals } = suppressionChanges(this.hasher, accountId, rows, false);
    await this.contacts.upsertSuppressions(em, accountId, upserts);
    await this.contacts.deleteSuppressions(em, accountId, removals);
    await this.batches.deleteMany(
      em,
      accountId,
      rows.map((r) => r.id),
    );
    return new Set(rows.map((r) => r.unique_key as string));
  }

  private async insertNew(
    em: EntityManager,
    accountId: string,
    creations: { index: number; contact: IncomingContact }[],
    /** By incoming contact: the suppression records of its addresses. */
    suppressions: SuppressionRow[][],
    options: BatchOptions,
    assign: (index: number, id: number) => void,
  ): Promise<{ ids: Set<number>; keptOptOut: number }> {
    if (creations.length === 0) return { ids: new Set(), keptOptOut: 0 };
    // Written in key order: neighbouring keys land on the same index pages, which saves index work and WAL.
    creations.sort((a, b) => (a.contact.key < b.contact.key ? -1 : a.contact.key > b.contact.key ? 1 : 0));
    const ids = await this.batches.reserveIds(em, creations.length);
    let keptOptOut = 0;
    const rows: NewContact[] = creations.map(({ index, contact }, i) => {
      const { columns, refusals } = applyConsentRules(suppressedState(suppressions[index]), contact.columns, {
        force: false,
        isNew: true,
        now: options.now,
      });
      if (refusals.length > 0) keptOptOut++;
      assign(index, ids[i]);
      return {
        id: ids[i],
        uniqueKey: options.mode === 'always-add' ? null : contact.key,
        columns,
        fields: contact.fields,
      };
    });
    return { ids: await this.batches.insertMany(em, accountId, options.operationId, rows), keptOptOut };
  }

  /**
   * The suppression records of the addresses each contact brings (all of a new one's, those an existing one
   * lacks), in one query. Most accounts importing have no record yet: then there is nothing to hash and look up.
   */
  private async suppressionsOf(
    em: EntityManager,
    accountId: string,
    incoming: IncomingContact[],
    existing: Map<string, ContactRow>,
  ): Promise<SuppressionRow[][]> {
    if (incoming.length === 0 || !(await this.batches.hasSuppressions(em, accountId))) {
      return incoming.map(() => NO_SUPPRESSIONS);
    }
    const lookups = incoming.map((contact) => {
      const row = existing.get(contact.key);
      return suppressionLookups(
        this.hasher,
        accountId,
        row ? arrivingAddresses(row, contact.columns) : contact.columns,
      );
    });
    const found = await this.contacts.findSuppressions(em, accountId, lookups.flat());
    const byHash = new Map(found.map((s) => [`${s.channel}:${s.hash}`, s]));
    return lookups.map((keys) => keys.flatMap((k) => byHash.get(`${k.channel}:${k.hash}`) ?? []));
  }

  private async joinGroups(
    em: EntityManager,
    accountId: string,
    incoming: IncomingContact[],
    contactIds: (number | undefined)[],
    results: BatchOutcome['results'],
    everyone: readonly number[],
  ): Promise<void> {
    const names = [...new Set(incoming.flatMap((c) => c.groups))];
    const groupIds = names.length > 0 ? await this.groups.ensure(accountId, names, em) : new Map<string, number>();
    // A contact added by this batch has no membership yet: its own go by COPY, with no conflict to look for.
    const added: Membership[] = [];
    const existing: Membership[] = [];
    incoming.forEach((contact, index) => {
      const contactId = contactIds[index];
      if (contactId === undefined || results[index] === 'skipped') return;
      const pairs = results[index] === 'added' ? added : existing;
      const from = pairs.length;
      const join = (groupId: number) => {
        for (let i = from; i < pairs.length; i++) if (pairs[i].groupId === groupId) return;
        pairs.push({ groupId, contactId });
      };
      for (const name of contact.groups) {
        const groupId = groupIds.get(name.toLowerCase());
        if (groupId !== undefined) join(groupId);
      }
      for (const groupId of everyone) join(groupId);
    });
    await this.batches.addNewMemberships(em, accountId, added);
    await this.batches.addMemberships(em, accountId, existing);
  }

  private historyOf(
    incoming: IncomingContact[],
    contactIds: (number | undefined)[],
    results: BatchOutcome['results'],
    options: BatchOptions,
  ): HistoryEntry[] {
    const entries: HistoryEntry[] = [];
    incoming.forEach((contact, index) => {
      const contactId = contactIds[index];
      const result = results[index];
      if (contactId === undefined || (result !== 'added' && result !== 'updated')) return;
      entries.push({
        contactId,
        type: result === 'added' ? 'creation' : 'update',
        object: changedFieldNames(
          contact.columns,
          contact.fields,
          contact.groups.length > 0 || (options.groupIds?.length ?? 0) > 0,
        ),
        title: `${result === 'added' ? 'Created' : 'Updated'} by import ${options.operationId}${options.note ? ` (${options.note})` : ''}`,
        source: 'import',
        operationId: options.operationId,
        happenedAt: options.now,
      });
    });
    return entries;
  }
}
