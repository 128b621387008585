import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { AccountContext, CurrentAccount } from '../../common/auth.decorators';
import { idParam } from '../../common/validation';
import { ContactPersonalDataService } from './contact-personal-data.service';
import { ContactsService } from './contacts.service';
import { ContactPersonalDataDto } from './dto/contact-personal-data.dto';
import {
  AddContactActivityDto,
  AnonymisedContactDto,
  BulkContactWriteResultDto,
  ContactActivityAddedDto,
  ContactDataV4Dto,
  ContactHistoryDto,
  ContactHistoryQueryDto,
  ContactHistorySearchDto,
  ContactListQueryDto,
  ContactPageDto,
  ContactWriteDto,
  ContactWriteResultDto,
} from './dto/contact.dto';

const historySize = new ParseIntPipe();

@ApiTags('contacts')
@ApiBasicAuth()
@ApiBearerAuth()
@Controller()
export class ContactsController {
  constructor(
    private readonly contacts: ContactsService,
    private readonly personalData: ContactPersonalDataService,
  ) {}

  /** Creates a contact, or updates the one with this key. */
  @Post('contact/attribute')
  upsertContact(
    @CurrentAccount() account: AccountContext,
    @Body() dto: ContactWriteDto,
  ): Promise<ContactWriteResultDto> {
    return this.contacts.write(account, dto, 'upsert');
  }

  /** Updates an existing contact (404 when the key is unknown). */
  @Put('contact/attribute')
  updateContact(
    @CurrentAccount() account: AccountContext,
    @Body() dto: ContactWriteDto,
  ): Promise<ContactWriteResultDto> {
    return this.contacts.write(account, dto, 'update');
  }

  /** Reads a contact by its key (email or mobile): a one-item array (more when duplicates share the key); list values as texts. */
  @Get('contact/attribute/:contactKey')
  getContact(
    @CurrentAccount() account: AccountContext,
    @Param('contactKey') contactKey: string,
  ): Promise<ContactDataV4Dto[]> {
    return this.contacts.getByKey(account, contactKey, 'texts');
  }

  /** Reads a contact by its id: a one-item array; list values as texts. */
  @Get('contact/attributebycid/:id')
  getContactById(
    @CurrentAccount() account: AccountContext,
    @Param('id', idParam) id: number,
  ): Promise<ContactDataV4Dto[]> {
    return this.contacts.getById(account, id, 'texts');
  }

  /** Reads a contact by its key, list values as comma-separated value ids. */
  @Get('contact/attributevalueid/:contactKey')
  getContactWithValueIds(
    @CurrentAccount() account: AccountContext,
    @Param('contactKey') contactKey: string,
  ): Promise<ContactDataV4Dto[]> {
    return this.contacts.getByKey(account, contactKey, 'ids');
  }

  /** Reads a contact by its id, list values as comma-separated value ids. */
  @Get('contact/attributevalueidbycid/:id')
  getContactByIdWithValueIds(
    @CurrentAccount() account: AccountContext,
    @Param('id', idParam) id: number,
  ): Promise<ContactDataV4Dto[]> {
    return this.contacts.getById(account, id, 'ids');
  }

  /** Deletes a contact by its key; its opt-outs are kept as suppression records. */
  @Delete('contact/attribute/:contactKey')
  @HttpCode(204)
  deleteContact(@CurrentAccount() account: AccountContext, @Param('contactKey') contactKey: string): Promise<void> {
    return this.contacts.deleteByKey(account, contactKey);
  }

  /** Deletes a contact by its id; its opt-outs are kept as suppression records. */
  @Delete('contact/attributebycid/:id')
  @HttpCode(204)
  deleteContactById(@CurrentAccount() account: AccountContext, @Param('id', idParam) id: number): Promise<void> {
    return this.contacts.deleteById(account, id);
  }

  /** Creates or updates up to 500 contacts; each item gets its own result. */
  @Post('contacts/attribute')
  @ApiBody({ type: [ContactWriteDto] })
  upsertContacts(
    @CurrentAccount() account: AccountContext,
    @Body() items: unknown,
  ): Promise<BulkContactWriteResultDto> {
    return this.contacts.writeMany(account, items, 'upsert');
  }

  /** Updates up to 500 existing contacts; each item gets its own result. */
  @Put('contacts/attribute')
  @ApiBody({ type: [ContactWriteDto] })
  updateContacts(
    @CurrentAccount() account: AccountContext,
    @Body() items: unknown,
  ): Promise<BulkContactWriteResultDto> {
    return this.contacts.writeMany(account, items, 'update');
  }

  /** The latest `size` history entries of a contact. */
  @Get('contact/history/:contactKey/:size')
  getContactHistory(
    @CurrentAccount() account: AccountContext,
    @Param('contactKey') contactKey: string,
    @Param('size', historySize) size: number,
  ): Promise<ContactHistoryDto> {
    return this.contacts.history(account, contactKey, Math.min(Math.max(size, 1), 1000));
  }

  /** Adds activity to a contact after an operation ("opened newsletter 42"), recorded with source `api` (v4). */
  @Post('contact/history')
  addContactActivity(
    @CurrentAccount() account: AccountContext,
    @Body() dto: AddContactActivityDto,
  ): Promise<ContactActivityAddedDto> {
    return this.contacts.addActivity(account, dto);
  }

  /** The history of a contact, the key sent in the body (camelCase entries). */
  @Post('contacts/history/search')
  @HttpCode(200)
  searchContactHistory(
    @CurrentAccount() account: AccountContext,
    @Body() dto: ContactHistoryQueryDto,
  ): Promise<ContactHistorySearchDto> {
    return this.contacts.searchHistory(account, dto.contactKey, dto.size ?? 50);
  }

  /** Lists contacts by id, a page at a time, with optional filters. */
  @Get('contacts')
  listContacts(
    @CurrentAccount() account: AccountContext,
    @Query() query: ContactListQueryDto,
  ): Promise<ContactPageDto> {
    return this.contacts.list(account, query);
  }

  /** GDPR right of access: everything kept about a contact (values, consent, groups, imports, history, suppression). */
  @Get('contacts/:id/personal-data')
  getPersonalData(
    @CurrentAccount() account: AccountContext,
    @Param('id', idParam) id: number,
  ): Promise<ContactPersonalDataDto> {
    return this.personalData.export(account, id);
  }

  /**
   * GDPR erasure: blanks the contact's personal data, keeping only its suppression hashes; its history keeps what
   * happened without outside texts (bounce replies), import error reports lose the rows quoting its addresses, and
   * the uploads of the account's finished imports and purges are deleted (their archives keep errors.csv).
   */
  @Post('contacts/:id/anonymise')
  @HttpCode(200)
  anonymiseContact(
    @CurrentAccount() account: AccountContext,
    @Param('id', idParam) id: number,
  ): Promise<AnonymisedContactDto> {
    return this.contacts.anonymise(account, id);
  }
}
