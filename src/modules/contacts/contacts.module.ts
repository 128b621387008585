import { Module } from '@nestjs/common';
import { FieldsModule } from '../fields/fields.module';
import { ContactBatchesRepository } from './contact-batches.repository';
import { ContactBatchesService } from './contact-batches.service';
import { ContactPersonalDataRepository } from './contact-personal-data.repository';
import { ContactPersonalDataService } from './contact-personal-data.service';
import { ContactsController } from './contacts.controller';
import { ContactsRepository } from './contacts.repository';
import { ContactsService } from './contacts.service';
import { GroupsController } from './groups.controller';
import { GroupsRepository } from './groups.repository';
import { GroupsService } from './groups.service';

@Module({
  imports: [FieldsModule],
  controllers: [ContactsController, GroupsController],
  providers: [
    ContactsRepository,
    ContactsService,
    GroupsRepository,
    GroupsService,
    ContactBatchesRepository,
    ContactBatchesService,
    ContactPersonalDataRepository,
    ContactPersonalDataService,
  ],
  exports: [ContactsService, GroupsService, ContactBatchesService],
})
export class ContactsModule {}
