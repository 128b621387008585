import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AccountContext, CurrentAccount } from '../../common/auth.decorators';
import { ImportTemplateQueryDto } from './dto/import-draft.dto';
import { ImportDraftsService } from './import-drafts.service';

/** The example file the import wizard links to ("télécharger le fichier exemple"). */
@ApiTags('imports')
@ApiBasicAuth()
@ApiBearerAuth()
@Controller('imports/template')
export class ImportTemplateController {
  constructor(private readonly drafts: ImportDraftsService) {}

  /** The account's importable fields as French headers (custom fields included) and one example row, CSV or XLSX. */
  @Get()
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  downloadImportTemplate(
    @CurrentAccount() account: AccountContext,
    @Query() query: ImportTemplateQueryDto,
  ): Promise<StreamableFile> {
    return this.drafts.template(account, query.format ?? 'csv');
  }
}
