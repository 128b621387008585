import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, UploadedFile } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { AccountContext, CurrentAccount } from '../../common/auth.decorators';
import { FileUpload } from '../../common/upload';
import {
  ChooseImportDraftSheetDto,
  ConfirmImportDraftDto,
  CorrectImportDraftCellsDto,
  ImportDraftColumnsDto,
  ImportDraftCorrectedRowsDto,
  ImportDraftDto,
  ImportDraftValidationDto,
  PasteImportDraftDto,
  SetImportDraftMatchingsDto,
  UploadImportDraftDto,
  ValidateImportDraftDto,
} from './dto/import-draft.dto';
import { ImportOperationDto } from './dto/import.dto';
import { ImportDraftsService } from './import-drafts.service';
import type { UploadedFile as Upload } from './imports.service';

/** The guided import in four steps (SPEC §5): upload, sheet and matchings, validation, confirmation. */
@ApiTags('imports')
@ApiBasicAuth()
@ApiBearerAuth()
@Controller('imports/drafts')
export class ImportDraftsController {
  constructor(private readonly drafts: ImportDraftsService) {}

  /** Step 1: uploads a file; answers its encoding, separator, sheets with row counts and first rows. */
  @Post()
  @FileUpload()
  @ApiBody({ type: UploadImportDraftDto })
  uploadImportDraft(@CurrentAccount() account: AccountContext, @UploadedFile() file?: Upload): Promise<ImportDraftDto> {
    return this.drafts.upload(account, file);
  }

  /** Step 1 without a file: a pasted list of addresses becomes a draft with its matchings set; validate it next. */
  @Post('pasted')
  createImportDraftFromText(
    @CurrentAccount() account: AccountContext,
    @Body() dto: PasteImportDraftDto,
  ): Promise<ImportDraftDto> {
    return this.drafts.fromPastedText(account, dto);
  }

  @Get(':id')
  getImportDraft(@CurrentAccount() account: AccountContext, @Param('id') id: string): Promise<ImportDraftDto> {
    return this.drafts.get(account, id);
  }

  /** Abandons a draft and its file (a confirmed draft's file stays with its import). */
  @Delete(':id')
  @HttpCode(204)
  deleteImportDraft(@CurrentAccount() account: AccountContext, @Param('id') id: string): Promise<void> {
    return this.drafts.delete(account, id);
  }

  /** Step 2: chooses the sheet and header row; answers a suggested matching for every column. */
  @Put(':id/sheet')
  chooseImportDraftSheet(
    @CurrentAccount() account: AccountContext,
    @Param('id') id: string,
    @Body() dto: ChooseImportDraftSheetDto,
  ): Promise<ImportDraftColumnsDto> {
    return this.drafts.chooseSheet(account, id, dto);
  }

  /** Step 2 (continued): sets one matching per column, and constant values for fields the file lacks. */
  @Put(':id/matchings')
  setImportDraftMatchings(
    @CurrentAccount() account: AccountContext,
    @Param('id') id: string,
    @Body() dto: SetImportDraftMatchingsDto,
  ): Promise<ImportDraftDto> {
    return this.drafts.setMatchings(account, id, dto);
  }

  /** Step 3: reads every row as the import will; counts for the file, one page of rows with their findings. */
  @Post(':id/validation')
  @HttpCode(200)
  validateImportDraft(
    @CurrentAccount() account: AccountContext,
    @Param('id') id: string,
    @Body() dto: ValidateImportDraftDto,
  ): Promise<ImportDraftValidationDto> {
    return this.drafts.validate(account, id, dto);
  }

  /** Step 3 (continued): corrects cells (kept in the draft, the file is untouched); answers those rows re-read. */
  @Patch(':id/cells')
  correctImportDraftCells(
    @CurrentAccount() account: AccountContext,
    @Param('id') id: string,
    @Body() dto: CorrectImportDraftCellsDto,
  ): Promise<ImportDraftCorrectedRowsDto> {
    return this.drafts.correctCells(account, id, dto);
  }

  /** Step 4: with `consent: true`, starts the import; answers the operation to follow with getImport. */
  @Post(':id/confirmation')
  confirmImportDraft(
    @CurrentAccount() account: AccountContext,
    @Param('id') id: string,
    @Body() dto: ConfirmImportDraftDto,
  ): Promise<ImportOperationDto> {
    return this.drafts.confirm(account, id, dto);
  }
}
