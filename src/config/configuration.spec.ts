import { readConfig } from './configuration';

describe('readConfig', () => {
  it('applies the documented defaults', () => {
    const config = readConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.maxUploadBytes).toBe(200 * 1024 * 1024);
    expect(config.dataDir.endsWith('/data')).toBe(true);
    expect(config.fileRetentionDays).toBe(30);
    expect(config.webhookAllowPrivateNetworks).toBe(false);
    expect(config.webhookRetrySeconds).toEqual([5, 300, 1800, 7200, 18000, 36000, 86400]);
    expect(config.webhookTimeoutSeconds).toBe(15);
    expect(config.exportRetentionDays).toBe(30);
    expect(config.exportStaleSeconds).toBe(120);
  });

  it('reads the webhook settings', () => {
    const config = readConfig({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'TRUE', WEBHOOK_RETRY_SECONDS: '0, 1,2' });
    expect(config.webhookAllowPrivateNetworks).toBe(true);
    expect(config.webhookRetrySeconds).toEqual([0, 1, 2]);
  });

  it.each([
    [{ PORT: 'abc' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT must be between/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres/],
    [{ MAX_UPLOAD_MB: '0' }, /MAX_UPLOAD_MB must be between/],
    [{ ADMIN_TOKEN: 'short' }, /ADMIN_TOKEN must be at least 16/],
    [{ SECRET_KEY: 'short' }, /SECRET_KEY must be at least 32/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ FILE_RETENTION_DAYS: '0' }, /FILE_RETENTION_DAYS must be between 1 and 3650/],
    [{ FILE_RETENTION_DAYS: '30d' }, /FILE_RETENTION_DAYS must be a whole number/],
    [{ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'yes' }, /WEBHOOK_ALLOW_PRIVATE_NETWORKS must be true or false/],
    [{ WEBHOOK_RETRY_SECONDS: '5,5m' }, /WEBHOOK_RETRY_SECONDS must be up to 20/],
    [{ WEBHOOK_TIMEOUT_SECONDS: '0' }, /WEBHOOK_TIMEOUT_SECONDS must be between/],
    [{ EXPORT_RETENTION_DAYS: '0' }, /EXPORT_RETENTION_DAYS must be between 1 and 3650/],
    [{ EXPORT_RETENTION_DAYS: 'month' }, /EXPORT_RETENTION_DAYS must be a whole number/],
    [{ EXPORT_STALE_SECONDS: '0' }, /EXPORT_STALE_SECONDS must be between/],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => readConfig(env)).toThrow(message);
  });
});
