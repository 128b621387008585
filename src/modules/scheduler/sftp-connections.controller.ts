import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AccountContext, CurrentAccount } from '../../common/auth.decorators';
import { idParam } from '../../common/validation';
import {
  CreateSftpConnectionDto,
  ProbeSftpHostDto,
  SftpConnectionDto,
  SftpDirectoryListingDto,
  SftpHostKeyDto,
  TestSftpConnectionDto,
  UpdateSftpConnectionDto,
} from './dto/sftp-connection.dto';
import { SftpConnectionsService } from './sftp-connections.service';

/** SFTP connections for scheduled imports and exports (SPEC §9). Passwords, keys and passphrases are never shown. */
@ApiTags('scheduler')
@ApiBasicAuth()
@ApiBearerAuth()
@Controller('sftp')
export class SftpConnectionsController {
  constructor(private readonly connections: SftpConnectionsService) {}

  /** Asks a server for its host key, without logging in: confirm the fingerprint, then pin the key. */
  @Post('probe')
  @HttpCode(200)
  probeSftpHost(@Body() dto: ProbeSftpHostDto): Promise<SftpHostKeyDto> {
    return this.connections.probe(dto);
  }

  @Post('connections')
  createSftpConnection(
    @CurrentAccount() account: AccountContext,
    @Body() dto: CreateSftpConnectionDto,
  ): Promise<SftpConnectionDto> {
    return this.connections.create(account, dto);
  }

  @Get('connections')
  listSftpConnections(@CurrentAccount() account: AccountContext): Promise<SftpConnectionDto[]> {
    return this.connections.list(account);
  }

  @Get('connections/:id')
  getSftpConnection(
    @CurrentAccount() account: AccountContext,
    @Param('id', idParam) id: number,
  ): Promise<SftpConnectionDto> {
    return this.connections.get(account, id);
  }

  @Patch('connections/:id')
  updateSftpConnection(
    @CurrentAccount() account: AccountContext,
    @Param('id', idParam) id: number,
    @Body() dto: UpdateSftpConnectionDto,
  ): Promise<SftpConnectionDto> {
    return this.connections.update(account, id, dto);
  }

  /** 409 while a schedule uses it. */
  @Delete('connections/:id')
  @HttpCode(204)
  deleteSftpConnection(@CurrentAccount() account: AccountContext, @Param('id', idParam) id: number): Promise<void> {
    return this.connections.delete(account, id);
  }

  /** Connects (refusing a server whose key is not the pinned one) and lists the directory. */
  @Post('connections/:id/test')
  @HttpCode(200)
  testSftpConnection(
    @CurrentAccount() account: AccountContext,
    @Param('id', idParam) id: number,
    @Body() dto: TestSftpConnectionDto,
  ): Promise<SftpDirectoryListingDto> {
    return this.connections.test(account, id, dto);
  }
}
