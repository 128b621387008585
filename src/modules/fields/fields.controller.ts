import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AccountContext, CurrentAccount } from '../../common/auth.decorators';
import { idParam } from '../../common/validation';
import {
  BuiltinFieldDto,
  CreateFieldDto,
  CreateFieldValueDto,
  FieldDto,
  FieldValueDto,
  UpdateFieldDto,
  UpdateFieldValueDto,
} from './dto/field.dto';
import { FieldsService } from './fields.service';

@ApiTags('fields')
@ApiBasicAuth()
@ApiBearerAuth()
@Controller('account/contactattribute')
export class FieldsController {
  constructor(private readonly fields: FieldsService) {}

  /** Lists the built-in contact fields with their format and labels. */
  @Get('builtin')
  getBuiltinFields(): BuiltinFieldDto[] {
    return this.fields.listBuiltin();
  }

  /** Lists the account's custom fields. */
  @Get()
  getContactFields(@CurrentAccount() account: AccountContext): Promise<FieldDto[]> {
    return this.fields.list(account.id);
  }

  /** Reads one custom field. */
  @Get(':id')
  getContactField(@CurrentAccount() account: AccountContext, @Param('id', idParam) id: number): Promise<FieldDto> {
    return this.fields.get(account.id, id);
  }

  /** Creates a custom field; names are unique per account, ignoring case. */
  @Post()
  createContactField(@CurrentAccount() account: AccountContext, @Body() dto: CreateFieldDto): Promise<FieldDto> {
    return this.fields.create(account.id, dto);
  }

  /** Renames a custom field or changes its description or options. */
  @Put()
  updateContactField(@CurrentAccount() account: AccountContext, @Body() dto: UpdateFieldDto): Promise<FieldDto> {
    return this.fields.update(account.id, dto);
  }

  /** Deletes a custom field and its values on every contact. */
  @Delete(':id')
  @HttpCode(204)
  deleteContactField(@CurrentAccount() account: AccountContext, @Param('id', idParam) id: number): Promise<void> {
    return this.fields.remove(account.id, id);
  }

  /** Lists the values of a list field, in order. */
  @Get('value/:id')
  getContactFieldValues(
    @CurrentAccount() account: AccountContext,
    @Param('id', idParam) id: number,
  ): Promise<FieldValueDto[]> {
    return this.fields.listValues(account.id, id);
  }

  /** Adds a value to a list field, at `index` or last. */
  @Post('value/:id')
  createContactFieldValue(
    @CurrentAccount() account: AccountContext,
    @Param('id', idParam) id: number,
    @Body() dto: CreateFieldValueDto,
  ): Promise<FieldValueDto> {
    return this.fields.addValue(account.id, id, dto);
  }

  /** Renames a list value and/or moves it to another `index`. */
  @Put('value')
  updateContactFieldValue(
    @CurrentAccount() account: AccountContext,
    @Body() dto: UpdateFieldValueDto,
  ): Promise<FieldValueDto> {
    return this.fields.updateValue(account.id, dto);
  }

  /** Deletes a list value; contacts that had it lose it. */
  @Delete('value/:id')
  @HttpCode(204)
  deleteContactFieldValue(@CurrentAccount() account: AccountContext, @Param('id', idParam) id: number): Promise<void> {
    return this.fields.removeValue(account.id, id);
  }
}
