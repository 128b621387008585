import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { diskStorage } from 'multer';
import { tmpdir } from 'node:os';
import type { CarnetConfig } from '../../config/configuration';
import { CARNET_CONFIG } from '../../database/database.module';
import { AccountsModule } from '../accounts/accounts.module';
import { ContactsModule } from '../contacts/contacts.module';
import { FieldsModule } from '../fields/fields.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { FilesModule } from '../files/files.module';
import { ImportDraftsController } from './import-drafts.controller';
import { ImportTemplateController } from './import-template.controller';
import { ImportDraftsRepository } from './import-drafts.repository';
import { ImportDraftsService } from './import-drafts.service';
import { ImportRunner } from './import-runner';
import { ImportsController } from './imports.controller';
import { ImportsRepository } from './imports.repository';
import { ImportsService } from './imports.service';

@Module({
  imports: [
    AccountsModule,
    ContactsModule,
    FieldsModule,
    WebhooksModule,
    FilesModule,
    MulterModule.registerAsync({
      inject: [CARNET_CONFIG],
      useFactory: (config: CarnetConfig) => ({
        storage: diskStorage({ destination: tmpdir() }),
        limits: { fileSize: config.maxUploadBytes, files: 1, fields: 50 },
      }),
    }),
  ],
  controllers: [ImportsController, ImportDraftsController, ImportTemplateController],
  providers: [ImportsRepository, ImportsService, ImportRunner, ImportDraftsRepository, ImportDraftsService],
  exports: [ImportsService],
})
export class ImportsModule {}
