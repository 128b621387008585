import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AccountContext, CurrentAccount } from '../../common/auth.decorators';
import { idParam } from '../../common/validation';
import { GroupDto, GroupMembersDto, GroupMembershipResultDto, GroupNameDto } from './dto/group.dto';
import { GroupsService } from './groups.service';

@ApiTags('groups')
@ApiBasicAuth()
@ApiBearerAuth()
@Controller('groups')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  /** Lists the account's static groups with their sizes. */
  @Get()
  listGroups(@CurrentAccount() account: AccountContext): Promise<GroupDto[]> {
    return this.groups.list(account.id);
  }

  /** Creates a static group; names are unique per account, ignoring case. */
  @Post()
  createGroup(@CurrentAccount() account: AccountContext, @Body() dto: GroupNameDto): Promise<GroupDto> {
    return this.groups.create(account.id, dto.name);
  }

  @Get(':id')
  getGroup(@CurrentAccount() account: AccountContext, @Param('id', idParam) id: number): Promise<GroupDto> {
    return this.groups.get(account.id, id);
  }

  @Put(':id')
  renameGroup(
    @CurrentAccount() account: AccountContext,
    @Param('id', idParam) id: number,
    @Body() dto: GroupNameDto,
  ): Promise<GroupDto> {
    return this.groups.rename(account.id, id, dto.name);
  }

  /** Deletes the group; its contacts stay. */
  @Delete(':id')
  @HttpCode(204)
  deleteGroup(@CurrentAccount() account: AccountContext, @Param('id', idParam) id: number): Promise<void> {
    return this.groups.remove(account.id, id);
  }

  /** Adds contacts to the group (ids of other accounts are ignored). */
  @Post(':id/contacts')
  @HttpCode(200)
  addGroupContacts(
    @CurrentAccount() account: AccountContext,
    @Param('id', idParam) id: number,
    @Body() dto: GroupMembersDto,
  ): Promise<GroupMembershipResultDto> {
    return this.groups.addMembers(account.id, id, dto.contactIds);
  }

  /** Removes contacts from the group. */
  @Delete(':id/contacts')
  removeGroupContacts(
    @CurrentAccount() account: AccountContext,
    @Param('id', idParam) id: number,
    @Body() dto: GroupMembersDto,
  ): Promise<GroupMembershipResultDto> {
    return this.groups.removeMembers(account.id, id, dto.contactIds);
  }
}
