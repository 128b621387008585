import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class GroupDto {
  id: number;
  name: string;
  /** UTC `yyyy-MM-dd HH:mm:ss`. */
  creationDate: string;
  contactCount: number;
}

export class GroupNameDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;
}

export class GroupMembersDto {
  /** Contact ids, at most 10,000 per call. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10000)
  @IsInt({ each: true })
  contactIds: number[];
}

export class GroupMembershipResultDto {
  groupId: number;
  /** How many memberships the call added or removed. */
  changed: number;
}
