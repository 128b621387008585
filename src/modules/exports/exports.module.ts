import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { FieldsModule } from '../fields/fields.module';
import { FilesModule } from '../files/files.module';
import { SegmentsModule } from '../segments/segments.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { ExportRunner } from './export-runner';
import { ExportSelection } from './export-selection';
import { ContactExportsController, ExportsController } from './exports.controller';
import { ExportsRepository } from './exports.repository';
import { ExportsService } from './exports.service';

@Module({
  imports: [AccountsModule, FieldsModule, FilesModule, SegmentsModule, WebhooksModule],
  controllers: [ContactExportsController, ExportsController],
  providers: [ExportsRepository, ExportsService, ExportRunner, ExportSelection],
})
export class ExportsModule {}
