import { DynamicModule, Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CarnetConfig } from '../config/configuration';
import { Database } from './database';

export const CARNET_CONFIG = 'CARNET_CONFIG';
export const DATABASE = 'DATABASE';

/** Makes the opened database and the validated configuration injectable everywhere. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(database: Database, config: CarnetConfig): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        // Factories, not values: Nest hashes dynamic-module metadata, and hashing a DataSource is slow.
        { provide: DataSource, useFactory: () => database.dataSource },
        { provide: DATABASE, useFactory: () => database },
        { provide: CARNET_CONFIG, useFactory: () => config },
      ],
      exports: [DataSource, DATABASE, CARNET_CONFIG],
    };
  }
}
