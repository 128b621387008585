import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AccountContext, CurrentAccount } from '../../common/auth.decorators';
import { idParam } from '../../common/validation';
import { CreateSavedMappingDto, RenameSavedMappingDto, SavedMappingDto } from './dto/saved-mapping.dto';
import { SavedMappingsService } from './saved-mappings.service';

/** Mappings saved from a finished import: the model scheduled imports replay (SPEC §9). */
@ApiTags('scheduler')
@ApiBasicAuth()
@ApiBearerAuth()
@Controller('saved-mappings')
export class SavedMappingsController {
  constructor(private readonly mappings: SavedMappingsService) {}

  /** Saves a finished import's options, matchings, constants, group, duplicate option and consent record. */
  @Post()
  createSavedMapping(
    @CurrentAccount() account: AccountContext,
    @Body() dto: CreateSavedMappingDto,
  ): Promise<SavedMappingDto> {
    return this.mappings.create(account, dto);
  }

  @Get()
  listSavedMappings(@CurrentAccount() account: AccountContext): Promise<SavedMappingDto[]> {
    return this.mappings.list(account);
  }

  @Get(':id')
  getSavedMapping(
    @CurrentAccount() account: AccountContext,
    @Param('id', idParam) id: number,
  ): Promise<SavedMappingDto> {
    return this.mappings.get(account, id);
  }

  @Patch(':id')
  renameSavedMapping(
    @CurrentAccount() account: AccountContext,
    @Param('id', idParam) id: number,
    @Body() dto: RenameSavedMappingDto,
  ): Promise<SavedMappingDto> {
    return this.mappings.rename(account, id, dto);
  }

  /** 409 while a schedule uses it. */
  @Delete(':id')
  @HttpCode(204)
  deleteSavedMapping(@CurrentAccount() account: AccountContext, @Param('id', idParam) id: number): Promise<void> {
    return this.mappings.delete(account, id);
  }
}
