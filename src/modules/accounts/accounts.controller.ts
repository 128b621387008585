import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AccountContext, AdminOnly, CurrentAccount } from '../../common/auth.decorators';
import { AccountsService } from './accounts.service';
import { AccountCreatedDto, CreateAccountDto, SettingsDto } from './dto/account.dto';

@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@Controller('admin/accounts')
export class AdminController {
  constructor(private readonly accounts: AccountsService) {}

  /** Creates an account and returns its API key (shown once). */
  @Post()
  createAccount(@Body() dto: CreateAccountDto): Promise<AccountCreatedDto> {
    return this.accounts.create(dto);
  }

  /** Replaces the account's API key; the old key stops working at once. */
  @Post(':id/keys')
  @HttpCode(201)
  rotateAccountKey(@Param('id') id: string): Promise<AccountCreatedDto> {
    return this.accounts.rotateKey(id);
  }
}

@ApiTags('account')
@ApiBasicAuth()
@ApiBearerAuth()
@Controller('account/settingsattribute')
export class SettingsController {
  constructor(private readonly accounts: AccountsService) {}

  /** Reads one account setting. */
  @Get(':setting')
  getAccountSetting(@CurrentAccount() account: AccountContext, @Param('setting') setting: string): SettingsDto {
    return this.accounts.getSetting(account, setting);
  }

  /** Changes one or more account settings. */
  @Put()
  updateAccountSettings(@CurrentAccount() account: AccountContext, @Body() dto: SettingsDto): Promise<SettingsDto> {
    return this.accounts.updateSettings(account, dto);
  }
}
