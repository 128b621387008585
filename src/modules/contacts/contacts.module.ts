import { Module } from '@nestjs/common';
import { FieldsModule } from '../fields/fields.module';
import { ContactsController } from './contacts.controller';
import { ContactsRepository } from './contacts.repository';
import { ContactsService } from './contacts.service';
import { GroupsController } from './groups.controller';
import { GroupsRepository } from './groups.repository';
import { GroupsService } from './groups.service';

@Module({
  imports: [FieldsModule],
  controllers: [ContactsController, GroupsController],
  providers: [ContactsRepository, ContactsService, GroupsRepository, GroupsService],
  exports: [ContactsService, GroupsService],
})
export class ContactsModule {}
