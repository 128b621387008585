import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CarnetConfig } from './config/configuration';
import { Database } from './database/database';
import { DatabaseModule } from './database/database.module';
import { HealthController } from './health.controller';
import { AccountsModule } from './modules/accounts/accounts.module';
import { ContactsModule } from './modules/contacts/contacts.module';
import { DeliverabilityStatusModule } from './modules/deliverability-status/deliverability-status.module';
import { FieldsModule } from './modules/fields/fields.module';
import { ImportsModule } from './modules/imports/imports.module';
import { SchedulerModule } from './modules/scheduler/scheduler.module';
import { QueueModule } from './queue/queue.module';

function requestId(request: IncomingMessage, response: ServerResponse): string {
  const given = request.headers['x-request-id'];
  const id = typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
  response.setHeader('X-Request-Id', id);
  return id;
}

@Module({})
export class AppModule {
  /** `logDestination`: where log lines go (default standard output); tests read them. */
  static forRoot(database: Database, config: CarnetConfig, logDestination?: DestinationStream): DynamicModule {
    const httpLogging: Options = {
      level: config.logLevel,
      genReqId: requestId,
      redact: ['req.headers.authorization'],
      customSuccessMessage: (req, res) => `${req.method} ${req.url} ${res.statusCode}`,
    };
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({
          // Express 5 route syntax: nestjs-pino 4's default ('*') predates it.
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
          pinoHttp: logDestination ? [httpLogging, logDestination] : httpLogging,
        }),
        ScheduleModule.forRoot(),
        DatabaseModule.forRoot(database, config),
        QueueModule,
        AccountsModule,
        FieldsModule,
        ContactsModule,
        ImportsModule,
        DeliverabilityStatusModule,
        SchedulerModule,
      ],
      controllers: [HealthController],
    };
  }
}
