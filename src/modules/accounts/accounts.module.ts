import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ContactsModule } from '../contacts/contacts.module';
import { AdminController, SettingsController } from './accounts.controller';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';
import { ApiKeyGuard } from './api-key.guard';

@Module({
  imports: [ContactsModule],
  controllers: [AdminController, SettingsController],
  providers: [AccountsRepository, AccountsService, { provide: APP_GUARD, useClass: ApiKeyGuard }],
  exports: [AccountsService],
})
export class AccountsModule {}
