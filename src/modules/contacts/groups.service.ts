import { Injectable } from '@nestjs/common';
import { formatUtc } from '../../common/dates';
import { Conflict, NotFound } from '../../common/errors';
import { mapUniqueViolations } from '../../common/unique-violation';
import { GroupDto, GroupMembershipResultDto } from './dto/group.dto';
import { ContactsRepository, type HistoryEntry } from './contacts.repository';
import { GroupRow, GroupsRepository } from './groups.repository';

const toDto = (row: GroupRow): GroupDto => ({
  id: row.id,
  name: row.name,
  creationDate: formatUtc(row.createdAt),
  contactCount: row.contactCount,
});

function membershipHistory(contactIds: number[], title: string, group: GroupDto): HistoryEntry[] {
  return contactIds.map((contactId) => ({ contactId, type: 'group', object: group.name, title, source: 'api' }));
}

const nameTaken = (name: string) =>
  new Conflict('GroupNameTaken', `A group named "${name}" already exists (names ignore case)`);

@Injectable()
export class GroupsService {
  constructor(
    private readonly groups: GroupsRepository,
    private readonly contacts: ContactsRepository,
  ) {}

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
    const id = await mapUniqueViolations(() => this.groups.insert(accountId, name.trim()), {
      contact_group_account_name_key: () => nameTaken(name.trim()),
    });
    return this.get(accountId, id);
  }

  async rename(accountId: string, id: number, name: string): Promise<GroupDto> {
    await this.get(accountId, id);
    await this.ensureNameFree(accountId, name.trim(), id);
    await mapUniqueViolations(() => this.groups.rename(accountId, id, name.trim()), {
      contact_group_account_name_key: () => nameTaken(name.trim()),
    });
    return this.get(accountId, id);
  }

  async remove(accountId: string, id: number): Promise<void> {
    if (!(await this.groups.delete(accountId, id))) throw new NotFound('Group', id);
  }

  /** Adds contacts to a group; each one that joins gets a history entry. */
  async addMembers(accountId: string, groupId: number, contactIds: number[]): Promise<GroupMembershipResultDto> {
    const group = await this.get(accountId, groupId);
    const added = await this.contacts.transaction(async (em) => {
      const ids = await this.groups.addMembers(accountId, groupId, contactIds, em);
      await this.contacts.addHistory(em, accountId, membershipHistory(ids, `Added to group "${group.name}"`, group));
      return ids;
    });
    return { groupId, changed: added.length };
  }

  /** Removes contacts from a group; each one that leaves gets a history entry. */
  async removeMembers(accountId: string, groupId: number, contactIds: number[]): Promise<GroupMembershipResultDto> {
    const group = await this.get(accountId, groupId);
    const removed = await this.contacts.transaction(async (em) => {
      const ids = await this.groups.removeMembers(accountId, groupId, contactIds, em);
      await this.contacts.addHistory(
        em,
        accountId,
        membershipHistory(ids, `Removed from group "${group.name}"`, group),
      );
      return ids;
    });
    return { groupId, changed: removed.length };
  }

  private async ensureNameFree(accountId: string, name: string, exceptId = 0): Promise<void> {
    if (await this.groups.nameTaken(accountId, name, exceptId)) throw nameTaken(name);
  }
}
