import { DataSource } from 'typeorm';
import { CarnetConfig } from '../config/configuration';
import { DatabaseConnection, dataSourceOptions } from './data-source-options';
import { EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';
import { runMigrationsLocked } from './migration-runner';
import { configurePgTypes } from './pg-types';

export interface Database {
  dataSource: DataSource;
  embedded: boolean;
  close(): Promise<void>;
}

/** Connects to DATABASE_URL, or to an embedded PGlite in DATA_DIR (over a Unix socket), then applies migrations. */
export async function openDatabase(config: Pick<CarnetConfig, 'databaseUrl' | 'dataDir'>): Promise<Database> {
  configurePgTypes();
  let embedded: EmbeddedPostgres | undefined;
  let connection: DatabaseConnection;
  if (config.databaseUrl) {
    connection = { url: config.databaseUrl };
  } else {
    embedded = await startEmbeddedPostgres(config.dataDir);
    connection = { socketDir: embedded.socketDir };
  }
  const dataSource = new DataSource(dataSourceOptions(connection));
  try {
    await dataSource.initialize();
    await runMigrationsLocked(dataSource);
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
    throw error;
  }
  return {
    dataSource,
    embedded: embedded !== undefined,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
  };
}
