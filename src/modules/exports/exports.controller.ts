import { Body, Controller, Delete, Get, HttpCode, Param, Post, StreamableFile } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AccountContext, CurrentAccount } from '../../common/auth.decorators';
import { idParam } from '../../common/validation';
import { ContactExportNfoDto, CreateExportDto, ExportCatalogueDto, ExportOperationDto } from './dto/export.dto';
import { ExportsService } from './exports.service';

const binary = { schema: { type: 'string', format: 'binary' } } as const;

/** The mirrored v4 export calls. */
@ApiTags('exports')
@ApiBasicAuth()
@ApiBearerAuth()
@Controller('contacts/export')
export class ContactExportsController {
  constructor(private readonly exports: ExportsService) {}

  /** Exports contacts in the background (v4): answers at once with the operation to follow. */
  @Post('add')
  createContactExport(
    @CurrentAccount() account: AccountContext,
    @Body() dto: ContactExportNfoDto,
  ): Promise<ExportOperationDto> {
    return this.exports.createV4Export(account, dto);
  }

  /** The latest 100 exports, newest first. */
  @Get()
  listContactExports(@CurrentAccount() account: AccountContext): Promise<ExportOperationDto[]> {
    return this.exports.listExports(account);
  }

  @Get(':id')
  getContactExport(
    @CurrentAccount() account: AccountContext,
    @Param('id', idParam) id: number,
  ): Promise<ExportOperationDto> {
    return this.exports.getExport(account, id);
  }

  /** Forgets a finished export and removes its file. */
  @Delete(':id')
  @HttpCode(204)
  deleteContactExport(@CurrentAccount() account: AccountContext, @Param('id', idParam) id: number): Promise<void> {
    return this.exports.deleteExport(account, id);
  }

  /** The zip named by an export's `Link`, holding the CSV or XLSX file. */
  @Get('file/:fileName')
  @ApiProduces('application/zip')
  @ApiOkResponse(binary)
  downloadContactExport(
    @CurrentAccount() account: AccountContext,
    @Param('fileName') fileName: string,
  ): Promise<StreamableFile> {
    return this.exports.downloadArchive(account, fileName);
  }
}

/** Exports for Carnet's own clients: a JSON source (segment, group, import or criteria tree), the field picker. */
@ApiTags('exports')
@ApiBasicAuth()
@ApiBearerAuth()
@Controller('exports')
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  /** Starts an export of the whole base or of `source`; answers at once with the operation to follow. */
  @Post()
  createExport(@CurrentAccount() account: AccountContext, @Body() dto: CreateExportDto): Promise<ExportOperationDto> {
    return this.exports.createExport(account, dto);
  }

  /** What an export may hold: fields (keys, labels, formats), filters and file options. */
  @Get('fields')
  getExportFields(@CurrentAccount() account: AccountContext): Promise<ExportCatalogueDto> {
    return this.exports.getExportFields(account);
  }

  /** The latest 100 exports, newest first. */
  @Get()
  listExports(@CurrentAccount() account: AccountContext): Promise<ExportOperationDto[]> {
    return this.exports.listExports(account);
  }

  @Get(':id')
  getExport(@CurrentAccount() account: AccountContext, @Param('id', idParam) id: number): Promise<ExportOperationDto> {
    return this.exports.getExport(account, id);
  }

  /** The written file itself (CSV or XLSX), once the export is done. */
  @Get(':id/file')
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOkResponse(binary)
  downloadExport(@CurrentAccount() account: AccountContext, @Param('id', idParam) id: number): Promise<StreamableFile> {
    return this.exports.downloadExportFile(account, id);
  }

  @Delete(':id')
  @HttpCode(204)
  deleteExport(@CurrentAccount() account: AccountContext, @Param('id', idParam) id: number): Promise<void> {
    return this.exports.deleteExport(account, id);
  }
}
