import { Body, Controller, Delete, Get, HttpCode, Param, Post, StreamableFile, UploadedFile } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AccountContext, CurrentAccount } from '../../common/auth.decorators';
import { FileUpload } from '../../common/upload';
import { idParam } from '../../common/validation';
import { ImportFormDto, ImportOperationDto, PurgeFormDto, PurgeOperationDto } from './dto/import.dto';
import { ImportsService, type UploadedFile as Upload } from './imports.service';

const archive = { schema: { type: 'string', format: 'binary' } } as const;

@ApiTags('imports')
@ApiBasicAuth()
@ApiBearerAuth()
@Controller('contacts')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  /** Imports a file of contacts in the background (v4): answers at once with the operation to follow. */
  @Post('import/add')
  @FileUpload()
  createImport(
    @CurrentAccount() account: AccountContext,
    @Body() form: ImportFormDto,
    @UploadedFile() file?: Upload,
  ): Promise<ImportOperationDto> {
    return this.imports.createImport(account, form, file);
  }

  /** The latest 100 imports, newest first. */
  @Get('import')
  listImports(@CurrentAccount() account: AccountContext): Promise<ImportOperationDto[]> {
    return this.imports.listImports(account);
  }

  /** One import with its progress and counts. */
  @Get('import/:id')
  getImport(@CurrentAccount() account: AccountContext, @Param('id', idParam) id: number): Promise<ImportOperationDto> {
    return this.imports.getImport(account, id);
  }

  /** Forgets a finished import and its files; its contacts stay. */
  @Delete('import/:id')
  @HttpCode(204)
  deleteImport(@CurrentAccount() account: AccountContext, @Param('id', idParam) id: number): Promise<void> {
    return this.imports.delete(account, 'import', id);
  }

  /**
   * The archive named by an import's `Link`: the original file and `errors.csv` (cells that would run as formulas
   * start with `'`). Without the file once an anonymisation deleted it; 410 once FILE_RETENTION_DAYS deleted both.
   */
  @Get('import/file/:fileName')
  @ApiProduces('application/zip')
  @ApiOkResponse(archive)
  downloadImportFile(
    @CurrentAccount() account: AccountContext,
    @Param('fileName') fileName: string,
  ): Promise<StreamableFile> {
    return this.imports.download(account, 'import', fileName);
  }

  /** Deletes the contacts whose key is in column `keyColumn` of a file (suppression records kept). */
  @Post('purge/add')
  @FileUpload()
  createPurge(
    @CurrentAccount() account: AccountContext,
    @Body() form: PurgeFormDto,
    @UploadedFile() file?: Upload,
  ): Promise<PurgeOperationDto> {
    return this.imports.createPurge(account, form, file);
  }

  /** The latest 100 purges, newest first. */
  @Get('purge')
  listPurges(@CurrentAccount() account: AccountContext): Promise<PurgeOperationDto[]> {
    return this.imports.listPurges(account);
  }

  @Get('purge/:id')
  getPurge(@CurrentAccount() account: AccountContext, @Param('id', idParam) id: number): Promise<PurgeOperationDto> {
    return this.imports.getPurge(account, id);
  }

  @Delete('purge/:id')
  @HttpCode(204)
  deletePurge(@CurrentAccount() account: AccountContext, @Param('id', idParam) id: number): Promise<void> {
    return this.imports.delete(account, 'purge', id);
  }

  /** The archive named by a purge's `Link`, as for imports. */
  @Get('purge/file/:fileName')
  @ApiProduces('application/zip')
  @ApiOkResponse(archive)
  downloadPurgeFile(
    @CurrentAccount() account: AccountContext,
    @Param('fileName') fileName: string,
  ): Promise<StreamableFile> {
    return this.imports.download(account, 'purge', fileName);
  }
}
