import { Injectable } from '@nestjs/common';
import { formatUtc } from '../../common/dates';
import { Conflict, NotFound } from '../../common/errors';
import { GroupDto, GroupMembershipResultDto } from './dto/group.dto';
import { GroupRow, GroupsRepository } from './groups.repository';

const toDto = (row: GroupRow): GroupDto => ({
  id: row.id,
  name: row.name,
  creationDate: formatUtc(row.createdAt),
  contactCount: row.contactCount,
});

@Injectable()
export class GroupsService {
  constructor(private readonly groups: GroupsRepository) {}

  async list(accountId: string): Promise<GroupDto[]> {
    return (await this.groups.list(accountId)).map(toDto);
  }

  async get(accountId: string, id: number): Promise<GroupDto> {
    const row = await this.groups.find(accountId, id);
    if (!row) throw new NotFound('Group', id);
    return toDto(row);
  }

  async create(accountId: string, name: string): Promise<GroupDto> {
    await this.ensureNameFree(accountId, name.trim());
    return this.get(accountId, await this.groups.insert(accountId, name.trim()));
  }

  async rename(accountId: string, id: number, name: string): Promise<GroupDto> {
    await this.get(accountId, id);
    await this.ensureNameFree(accountId, name.trim(), id);
    await this.groups.rename(accountId, id, name.trim());
    return this.get(accountId, id);
  }

  async remove(accountId: string, id: number): Promise<void> {
    if (!(await this.groups.delete(accountId, id))) throw new NotFound('Group', id);
  }

  async addMembers(accountId: string, groupId: number, contactIds: number[]): Promise<GroupMembershipResultDto> {
    await this.get(accountId, groupId);
    return { groupId, changed: await this.groups.addMembers(accountId, groupId, contactIds) };
  }

  async removeMembers(accountId: string, groupId: number, contactIds: number[]): Promise<GroupMembershipResultDto> {
    await this.get(accountId, groupId);
    return { groupId, changed: await this.groups.removeMembers(accountId, groupId, contactIds) };
  }

  private async ensureNameFree(accountId: string, name: string, exceptId = 0): Promise<void> {
    if (await this.groups.nameTaken(accountId, name, exceptId)) {
      throw new Conflict('GroupNameTaken', `A group named "${name}" already exists (names ignore case)`);
    }
  }
}
