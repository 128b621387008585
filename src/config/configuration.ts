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
  /** Days an uploaded file and an import or purge report are kept before housekeeping deletes them. */
  fileRetentionDays: number;
  /** Webhook URLs may point at loopback or private networks (and use plain http there). */
  webhookAllowPrivateNetworks: boolean;
  /** Seconds to wait before each retry of a webhook delivery; its length is the number of retries. */
  webhookRetrySeconds: number[];
  /** Seconds a webhook receiver has to answer. */
  webhookTimeoutSeconds: number;
  /** Days a finished export's file is kept; then it is removed (the export stays in the history as expired). */
  exportRetentionDays: number;
  /** Seconds without a heartbeat after which a running export counts as abandoned and is run again. */
  exportStaleSeconds: number;
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

function boolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = optional(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

/** The SPEC's webhook backoff: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 24 h. */
export const WEBHOOK_RETRY_SECONDS = [5, 300, 1800, 7200, 18000, 36000, 86400];

function secondsList(env: NodeJS.ProcessEnv, name: string, fallback: number[]): number[] {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const items = raw.split(',').map((item) => item.trim());
  if (items.length > 20 || items.some((item) => !/^\d{1,6}$/.test(item))) {
    throw new ConfigError(name, `must be up to 20 comma-separated whole numbers of seconds, got "${raw}"`);
  }
  return items.map(Number);
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
    fileRetentionDays: integer(env, 'FILE_RETENTION_DAYS', 30, 1, 3650),
    webhookAllowPrivateNetworks: boolean(env, 'WEBHOOK_ALLOW_PRIVATE_NETWORKS', false),
    webhookRetrySeconds: secondsList(env, 'WEBHOOK_RETRY_SECONDS', WEBHOOK_RETRY_SECONDS),
    webhookTimeoutSeconds: integer(env, 'WEBHOOK_TIMEOUT_SECONDS', 15, 1, 60),
    exportRetentionDays: integer(env, 'EXPORT_RETENTION_DAYS', 30, 1, 3650),
    exportStaleSeconds: integer(env, 'EXPORT_STALE_SECONDS', 120, 1, 86400),
    sftpStableSeconds: integer(env, 'SFTP_STABLE_SECONDS', 30, 0, 3600),
    logLevel,
  };
}

/** Loads `.env` from the working directory when present (real environment variables win). */
export function loadDotEnv(): void {
  if (existsSync('.env')) process.loadEnvFile('.env');
}
