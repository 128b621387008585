import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class CreateAccountDto {
  /** Display name of the account. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  /** Login used with HTTP Basic; generated from the name when omitted. */
  @IsOptional()
  @Matches(/^[a-zA-Z0-9._-]{3,64}$/, { message: 'login must be 3 to 64 letters, digits, dots, dashes or underscores' })
  login?: string;
}

export class AccountCreatedDto {
  id: string;
  name: string;
  login: string;
  /** Shown once: only its hash is stored. */
  apiKey: string;
}

export class SettingsDto {
  /**
   * Settings by name: `uniquenessKey` (email|mobile), `defaultCountry` (ISO 3166 alpha-2),
   * `allowDuplicates` (boolean), `timezone` (IANA), `softBounceLimit` (soft bounces in a row before an
   * address is set aside, 1–100, default 5), `activityDays` (days after the last open or click during
   * which a contact is active, 1–3650, default 180).
   * @example {"defaultCountry": "FR"}
   */
  @ApiProperty({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'boolean' }, { type: 'integer' }] },
    example: { defaultCountry: 'FR' },
  })
  @IsObject()
  attributeType: Record<string, string | boolean | number>;
}
