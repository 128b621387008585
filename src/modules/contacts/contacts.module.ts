import { Module } from '@nestjs/common';
import type { CarnetConfig } from '../../config/configuration';
import { CARNET_CONFIG } from '../../database/database.module';
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
import { SuppressionHasher } from './suppression-hash';
import { SuppressionRekeying } from './suppression-rekeying';

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
    {
      provide: SuppressionHasher,
      inject: [CARNET_CONFIG],
      useFactory: (config: CarnetConfig) => new SuppressionHasher(config.secretKey),
    },
    SuppressionRekeying,
  ],
  exports: [ContactsService, GroupsService, ContactBatchesService],
})
export class ContactsModule {}
