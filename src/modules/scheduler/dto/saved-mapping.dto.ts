import { IsInt, IsString, MaxLength, Min, MinLength } from 'class-validator';
import { ConstantValueDto } from '../../imports/dto/import-draft.dto';

export class CreateSavedMappingDto {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  /** A finished import (status done) whose structure serves as the model. */
  @IsInt()
  @Min(1)
  importId: number;
}

export class RenameSavedMappingDto {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;
}

/** Who confirmed holding proof of consent for the model import, and when (copied to every scheduled import). */
export class SavedConsentDto {
  confirmedBy: string;
  confirmedAt: string;
  fileHash: string;
}

export class SavedMappingDto {
  id: number;
  name: string;
  /** The import it was taken from (that import may since have left the history). */
  sourceImportId: number;
  encoding: string;
  separator?: string;
  sheet?: string;
  firstLine: number;
  firstLineAsHeader: boolean;
  duplicateOption: string;
  matchings: string[];
  constants: ConstantValueDto[];
  groupId?: number;
  welcomeMessages?: boolean;
  consent: SavedConsentDto | null;
  createdAt: string;
}
