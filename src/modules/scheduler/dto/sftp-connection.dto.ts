import { ApiProperty, PartialType } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import type { SftpAuthMethod } from '../sftp-connection.entity';

const HOST = /^[A-Za-z0-9.:\-[\]]+$/;

export class ProbeSftpHostDto {
  /** Host name or IP address of the SFTP server. */
  @IsString()
  @Matches(HOST, { message: 'host must be a host name or an IP address' })
  @MaxLength(255)
  host: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;
}

/** The key an SFTP server presents: confirm the fingerprint with the server's administrator, then pin `hostKey`. */
export class SftpHostKeyDto {
  /** `<type> <base64>`, as in known_hosts: pass it as the connection's `hostKey`. */
  hostKey: string;
  /** e.g. `ssh-ed25519`. */
  keyType: string;
  /** `SHA256:<base64>`, as `ssh-keygen -l` prints it. */
  fingerprint: string;
}

export class CreateSftpConnectionDto {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @IsString()
  @Matches(HOST, { message: 'host must be a host name or an IP address' })
  @MaxLength(255)
  host: string;

  /** Default 22. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  username: string;

  @ApiProperty({ enum: ['password', 'key'] })
  @IsIn(['password', 'key'])
  authMethod: SftpAuthMethod;

  /** With `authMethod: password`. Stored encrypted, never shown again. */
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  password?: string;

  /** With `authMethod: key`: the private key (OpenSSH or PEM). Stored encrypted, never shown again. */
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  privateKey?: string;

  /** The private key's passphrase, when it is encrypted. Stored encrypted, never shown again. */
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  passphrase?: string;

  /** The server key to pin, as the probe answered it (`<type> <base64>`). */
  @IsString()
  @MaxLength(20000)
  hostKey: string;
}

/** Changes; credentials are replaced only when given; `hostKey` re-pins the server key (after a key change on purpose). */
export class UpdateSftpConnectionDto extends PartialType(CreateSftpConnectionDto) {}

/** A connection as shown: never its password, key or passphrase. */
export class SftpConnectionDto {
  id: number;
  name: string;
  host: string;
  port: number;
  username: string;
  @ApiProperty({ enum: ['password', 'key'] })
  authMethod: SftpAuthMethod;
  hostKey: string;
  hostKeyFingerprint: string;
  createdAt: string;
  updatedAt: string;
}

export class TestSftpConnectionDto {
  /** The directory to list; default the login directory. */
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  directory?: string;
}

export class SftpDirectoryEntryDto {
  name: string;
  @ApiProperty({ enum: ['file', 'directory', 'other'] })
  type: string;
  size: number;
  /** ISO 8601. */
  modifiedAt: string;
}

export class SftpDirectoryListingDto {
  directory: string;
  entries: SftpDirectoryEntryDto[];
}
