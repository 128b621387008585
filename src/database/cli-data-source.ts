import { DataSource } from 'typeorm';
import { loadDotEnv, readConfig } from '../config/configuration';
import { dataSourceOptions } from './data-source-options';

// Used by the TypeORM CLI (migration:generate / migration:generate --check): needs DATABASE_URL.
loadDotEnv();
const config = readConfig();
if (!config.databaseUrl) throw new Error('DATABASE_URL must be set to generate or check migrations');
export default new DataSource(dataSourceOptions({ url: config.databaseUrl }));
