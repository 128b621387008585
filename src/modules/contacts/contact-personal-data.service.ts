import { Injectable } from '@nestjs/common';
import { AccountContext } from '../../common/auth.decorators';
import { formatUtc } from '../../common/dates';
import { NotFound } from '../../common/errors';
import { Channel } from '../deliverability-status/status-rules';
import { FieldsService } from '../fields/fields.service';
import { ContactRow, toContactData } from './contact-attributes';
import { CHANNEL_COLUMNS } from './contact-consent';
import { ImportRole, importRoles, toContactLog } from './contact-history';
import { ContactPersonalDataRepository, ImportOperationRef } from './contact-personal-data.repository';
import { ContactsRepository } from './contacts.repository';
import { ChannelConsentDto, ContactImportDto, ContactPersonalDataDto } from './dto/contact-personal-data.dto';
import { SuppressionHasher } from './suppression-hash';
import { suppressionLookups } from './suppression-rules';

const utcOrNull = (value: unknown) => (value instanceof Date ? formatUtc(value) : null);

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

function importEntry(id: number, roles: Set<ImportRole>, operation: ImportOperationRef | undefined): ContactImportDto {
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
    private readonly hasher: SuppressionHasher,
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
      const suppressions = await this.contacts.findSuppressions(
        em,
        account.id,
        suppressionLookups(this.hasher, account.id, row),
      );
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
