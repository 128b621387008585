import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export interface CarnetConfig {
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  adminToken: string | undefined;
  secretKey: string | undefined;
  maxUploadBytes: number;
  /** Seconds without a heartbeat after which a running import counts as abandoned and is resumed. */
  importStaleSeconds: number;
  /** Files from this size on have their rows checked on a second thread while the import writes. */
  rowThreadMinBytes: number;
  /** Hours a guided-import draft lives unconfirmed before it and its file are deleted. */
  draftTtlHours: number;
  /** Days a deliverability event id is remembered: a batch replayed within them changes nothing. */
  eventIdRetentionDays: number;
  /** Seconds a remote file must keep its size and time before a scheduled import takes it. */
  sftpStableSeconds: number;
  logLevel: string;
}

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function optional(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

/** Reads and validates the environment; throws a ConfigError naming the first bad variable. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): CarnetConfig {
  const databaseUrl = optional(env, 'DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\/.+/.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'must be a postgres:// or postgresql:// URL');
  }
  const adminToken = optional(env, 'ADMIN_TOKEN');
  if (adminToken !== undefined && adminToken.length < 16) {
    throw new ConfigError('ADMIN_TOKEN', 'must be at least 16 characters long');
  }
  const secretKey = optional(env, 'SECRET_KEY');
  if (secretKey !== undefined && secretKey.length < 32) {
    throw new ConfigError('SECRET_KEY', 'must be at least 32 characters long');
  }
  const logLevel = optional(env, 'LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    databaseUrl,
    dataDir: resolve(optional(env, 'DATA_DIR') ?? './data'),
    adminToken,
    secretKey,
    maxUploadBytes: integer(env, 'MAX_UPLOAD_MB', 200, 1, 10240) * 1024 * 1024,
    importStaleSeconds: integer(env, 'IMPORT_STALE_SECONDS', 120, 1, 86400),
    rowThreadMinBytes: integer(env, 'IMPORT_ROW_THREAD_MIN_MB', 4, 0, 100_000) * 1024 * 1024,
    draftTtlHours: integer(env, 'DRAFT_TTL_HOURS', 24, 1, 720),
    eventIdRetentionDays: integer(env, 'EVENT_ID_RETENTION_DAYS', 30, 1, 3650),
    sftpStableSeconds: integer(env, 'SFTP_STABLE_SECONDS', 30, 0, 3600),
    logLevel,
  };
}

/** Loads `.env` from the working directory when present (real environment variables win). */
export function loadDotEnv(): void {
  if (existsSync('.env')) process.loadEnvFile('.env');
}
