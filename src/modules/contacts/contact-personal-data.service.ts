import { Injectable } from '@nestjs/common';
import { AccountContext } from '../../common/auth.decorators';
import { formatUtc } from '../../common/dates';
import { NotFound } from '../../common/errors';
import { Channel } from '../deliverability-status/status-rules';
import { FieldsService } from '../fields/fields.service';
import { ContactRow, toContactData } from './contact-attributes';
import { CHANNEL_COLUMNS } from './contact-consent';
import { toContactLog } from './contact-history';
import { ContactPersonalDataRepository, ImportOperationRef } from './contact-personal-data.repository';
import { ContactsRepository, HistoryRow } from './contacts.repository';
import { ChannelConsentDto, ContactImportDto, ContactPersonalDataDto } from './dto/contact-personal-data.dto';
import { suppressionLookups } from './suppression-rules';

type Role = ContactImportDto['roles'][number];

const utcOrNull = (value: unknown) => (value instanceof Date ? formatUtc(value) : null);

/**
 * The imports that wrote a contact and what each did: the ones its columns name (an import that created a
 * contact is also its first updater, which is not an update) and those in its history.
 */
export function importRoles(row: ContactRow, history: HistoryRow[]): Map<number, Set<Role>> {
  const roles = new Map<number, Set<Role>>();
  const add = (id: unknown, role: Role) => {
    if (id === null || id === undefined) return;
    const key = Number(id);
    roles.set(key, (roles.get(key) ?? new Set<Role>()).add(role));
  };
  add(row.created_by_import_id, 'created');
  if (row.updated_by_import_id !== row.created_by_import_id) add(row.updated_by_import_id, 'updated');
  for (const entry of history) {
    if (entry.source === 'import') add(entry.operationId, entry.type === 'creation' ? 'created' : 'updated');
  }
  return roles;
}

function channelConsent(row: ContactRow, channel: Channel): ChannelConsentDto {
  const c = CHANNEL_COLUMNS.find((x) => x.channel === channel)!;
  return {
    optIn: (row[c.optIn] as string | null) ?? null,
    unsubscriptionDate: utcOrNull(row[c.unsubscriptionDate]),
    unsubscriptionReason: (row[c.unsubscriptionReason] as string | null) ?? null,
    status: row[c.status] as string,
    statusDate: utcOrNull(row[c.statusDate]),
    statusDetail: (row[c.statusDetail] as string | null) ?? null,
  };
}

function importEntry(id: number, roles: Set<Role>, operation: ImportOperationRef | undefined): ContactImportDto {
  return {
    id,
    name: operation?.name ?? null,
    fileName: operation?.fileName ?? null,
    roles: (['created', 'updated'] as const).filter((r) => roles.has(r)),
    date: operation ? formatUtc(operation.createdAt) : null,
    consent: operation?.consent
      ? {
          confirmedBy: operation.consent.confirmedBy,
          confirmedAt: operation.consent.confirmedAt,
          fileHash: operation.consent.fileHash,
        }
      : null,
  };
}

/** GDPR right of access: everything the account holds about one contact, read in one snapshot. */
@Injectable()
export class ContactPersonalDataService {
  constructor(
    private readonly personalData: ContactPersonalDataRepository,
    private readonly contacts: ContactsRepository,
    private readonly fields: FieldsService,
  ) {}

  async export(account: AccountContext, id: number): Promise<ContactPersonalDataDto> {
    const catalogue = await this.fields.catalogue(account.id);
    return this.personalData.snapshot(async (em) => {
      const row = await this.contacts.findById(account.id, id, em);
      if (!row) throw new NotFound('Contact', id);
      const history = await this.personalData.historyOf(em, account.id, id);
      const roles = importRoles(row, history);
      const operations = await this.personalData.importOperations(em, account.id, [...roles.keys()]);
      const byId = new Map(operations.map((o) => [Number(o.id), o]));
      const suppressions = await this.personalData.suppressions(em, account.id, suppressionLookups(account.id, row));
      return {
        exportedAt: formatUtc(new Date()),
        anonymisedAt: utcOrNull(row.anonymised_at),
        contact: toContactData(row, catalogue, account.activityDays),
        consent: { email: channelConsent(row, 'email'), sms: channelConsent(row, 'sms') },
        groups: await this.personalData.groupsOf(em, account.id, id),
        imports: [...roles.entries()]
          .sort(([a], [b]) => a - b)
          .map(([importId, done]) => importEntry(importId, done, byId.get(importId))),
        history: history.map(toContactLog),
        suppressions: suppressions.map((s) => ({
          channel: s.channel,
          optIn: s.optIn,
          status: s.status,
          reason: s.reason,
          updatedAt: formatUtc(s.updatedAt),
        })),
      };
    });
  }
}
