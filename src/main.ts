import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createApp } from './app';
import { CarnetConfig, ConfigError, loadDotEnv, readConfig } from './config/configuration';
import { openDatabase } from './database/database';
import { Logger } from 'nestjs-pino';

/** SECRET_KEY: required with an external database; generated once into DATA_DIR when embedded. */
function resolveSecretKey(config: CarnetConfig): CarnetConfig {
  if (config.secretKey) return config;
  if (config.databaseUrl) throw new ConfigError('SECRET_KEY', 'is required when DATABASE_URL is set');
  mkdirSync(config.dataDir, { recursive: true });
  const file = join(config.dataDir, 'secret.key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return { ...config, secretKey: readFileSync(file, 'utf8').trim() };
}

async function main(): Promise<void> {
  loadDotEnv();
  let config: CarnetConfig;
  try {
    config = resolveSecretKey(readConfig());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
  const database = await openDatabase(config);
  const app = await createApp(database, config);
  await app.listen(config.port);
  app
    .get(Logger)
    .log(
      `Carnet listening on port ${config.port} with ${database.embedded ? `embedded PostgreSQL in ${config.dataDir}` : 'PostgreSQL at DATABASE_URL'}`,
    );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.get(Logger).log(`${signal} received: finishing requests and closing`);
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

void main();
