import { ApiProperty } from '@nestjs/swagger';
import { ContactDataDto, ContactLogDto } from './contact.dto';

/** A contact's consent and deliverability on one channel, as stored. */
export class ChannelConsentDto {
  /** yes, no, orange or blocklist; null when none is recorded (usually: no address on this channel). */
  @ApiProperty({ type: String, nullable: true, enum: ['yes', 'no', 'orange', 'blocklist'] })
  optIn: string | null;
  /** UTC `yyyy-MM-dd HH:mm:ss`. */
  @ApiProperty({ type: String, nullable: true })
  unsubscriptionDate: string | null;
  @ApiProperty({ type: String, nullable: true })
  unsubscriptionReason: string | null;
  status: string;
  /** UTC `yyyy-MM-dd HH:mm:ss`. */
  @ApiProperty({ type: String, nullable: true })
  statusDate: string | null;
  /** The last reply of the sending server. */
  @ApiProperty({ type: String, nullable: true })
  statusDetail: string | null;
}

export class ContactConsentDto {
  email: ChannelConsentDto;
  sms: ChannelConsentDto;
}

export class ContactGroupRefDto {
  id: number;
  name: string;
}

/** Proof of consent the sender confirmed when starting an import (guided flow). */
export class ImportConsentRecordDto {
  /** The login that confirmed it. */
  confirmedBy: string;
  /** ISO 8601 instant. */
  confirmedAt: string;
  /** SHA-256 of the imported file. */
  fileHash: string;
}

export class ContactImportDto {
  id: number;
  /** Null when the import has since been removed from the history. */
  @ApiProperty({ type: String, nullable: true })
  name: string | null;
  @ApiProperty({ type: String, nullable: true })
  fileName: string | null;
  /** What the import did to the contact. */
  @ApiProperty({ enum: ['created', 'updated'], isArray: true })
  roles: ('created' | 'updated')[];
  /** UTC `yyyy-MM-dd HH:mm:ss` when the import started; null when it was removed from the history. */
  @ApiProperty({ type: String, nullable: true })
  date: string | null;
  /** Null for an import started without a consent confirmation (the mirrored v4 call). */
  @ApiProperty({ type: ImportConsentRecordDto, nullable: true })
  consent: ImportConsentRecordDto | null;
}

/** A suppression record (kept across deletion) that matches one of the contact's addresses. */
export class ContactSuppressionDto {
  @ApiProperty({ enum: ['email', 'sms'] })
  channel: 'email' | 'sms';
  @ApiProperty({ type: String, nullable: true })
  optIn: string | null;
  /** The hard status kept, if any. */
  @ApiProperty({ type: String, nullable: true })
  status: string | null;
  @ApiProperty({ type: String, nullable: true })
  reason: string | null;
  /** UTC `yyyy-MM-dd HH:mm:ss`. */
  updatedAt: string;
}

/** Everything the account holds about one contact (GDPR right of access). */
export class ContactPersonalDataDto {
  /** UTC `yyyy-MM-dd HH:mm:ss`. */
  exportedAt: string;
  /** UTC `yyyy-MM-dd HH:mm:ss` when the contact was anonymised; null otherwise. */
  @ApiProperty({ type: String, nullable: true })
  anonymisedAt: string | null;
  /** The contact as the v4 read shows it: every built-in and custom value. */
  contact: ContactDataDto;
  consent: ContactConsentDto;
  groups: ContactGroupRefDto[];
  /** The imports that created or updated the contact, oldest first. */
  imports: ContactImportDto[];
  /** Every history entry, oldest first. */
  history: ContactLogDto[];
  suppressions: ContactSuppressionDto[];
}
