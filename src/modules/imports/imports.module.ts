import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { diskStorage } from 'multer';
import { tmpdir } from 'node:os';
import type { CarnetConfig } from '../../config/configuration';
import { CARNET_CONFIG } from '../../database/database.module';
import { AccountsModule } from '../accounts/accounts.module';
import { ContactsModule } from '../contacts/contacts.module';
import { FieldsModule } from '../fields/fields.module';
import { ImportDraftsController } from './import-drafts.controller';
import { ImportTemplateController } from './import-template.controller';
import { ImportDraftsRepository } from './import-drafts.repository';
import { ImportDraftsService } from './import-drafts.service';
import { ImportRunner } from './import-runner';
import { ImportsController } from './imports.controller';
import { ImportsRepository } from './imports.repository';
import { ImportsService } from './imports.service';
import { StoredFilesRepository } from './stored-files.repository';

@Module({
  imports: [
    AccountsModule,
    ContactsModule,
    FieldsModule,
    MulterModule.registerAsync({
      inject: [CARNET_CONFIG],
      useFactory: (config: CarnetConfig) => ({
        storage: diskStorage({ destination: tmpdir() }),
        limits: { fileSize: config.maxUploadBytes, files: 1, fields: 50 },
      }),
    }),
  ],
  controllers: [ImportsController, ImportDraftsController, ImportTemplateController],
  providers: [
    ImportsRepository,
    StoredFilesRepository,
    ImportsService,
    ImportRunner,
    ImportDraftsRepository,
    ImportDraftsService,
  ],
})
export class ImportsModule {}
