import { Module } from '@nestjs/common';
import { secretBoxProvider } from '../../common/secret-box';
import { AccountsModule } from '../accounts/accounts.module';
import { ImportsModule } from '../imports/imports.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { SavedMappingsController } from './saved-mappings.controller';
import { SavedMappingsRepository } from './saved-mappings.repository';
import { SavedMappingsService } from './saved-mappings.service';
import { ScheduleRunner } from './schedule-runner';
import { SchedulesController } from './schedules.controller';
import { SchedulesRepository } from './schedules.repository';
import { SchedulesService } from './schedules.service';
import { SftpConnectionsController } from './sftp-connections.controller';
import { SftpConnectionsRepository } from './sftp-connections.repository';
import { SftpConnectionsService } from './sftp-connections.service';

/** Scheduled SFTP automation (SPEC §9): connections, saved mappings, schedules and their runs. */
@Module({
  imports: [AccountsModule, ImportsModule, WebhooksModule],
  controllers: [SftpConnectionsController, SavedMappingsController, SchedulesController],
  providers: [
    secretBoxProvider,
    SftpConnectionsRepository,
    SftpConnectionsService,
    SavedMappingsRepository,
    SavedMappingsService,
    SchedulesRepository,
    SchedulesService,
    ScheduleRunner,
  ],
  exports: [SchedulesService],
})
export class SchedulerModule {}
