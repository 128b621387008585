import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import pino, { type DestinationStream, type LogFn } from 'pino';
import type { Options } from 'pino-http';
import { redactPersonalData, redactValues } from './common/log-redaction';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CarnetConfig } from './config/configuration';
import { Database } from './database/database';
import { DatabaseModule } from './database/database.module';
import { HealthController } from './health.controller';
import { AccountsModule } from './modules/accounts/accounts.module';
import { ContactsModule } from './modules/contacts/contacts.module';
import { DeliverabilityStatusModule } from './modules/deliverability-status/deliverability-status.module';
import { ExportsModule } from './modules/exports/exports.module';
import { FieldsModule } from './modules/fields/fields.module';
import { ImportsModule } from './modules/imports/imports.module';
import { SegmentsModule } from './modules/segments/segments.module';
import { WebhooksModule } from './modules/webhooks/webhooks.module';
import { SchedulerModule } from './modules/scheduler/scheduler.module';
import { QueueModule } from './queue/queue.module';

function requestId(request: IncomingMessage, response: ServerResponse): string {
  const given = request.headers['x-request-id'];
  const id = typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
  response.setHeader('X-Request-Id', id);
  return id;
}

/**
 * pino and pino-http settings. No personal data in logs (SPEC §11): request lines, the request's url, params and
 * query, every message and logged error pass through the redaction rule; the Authorization header is hidden.
 */
function logOptions(config: CarnetConfig): Options {
  return {
    level: config.logLevel,
    genReqId: requestId,
    redact: ['req.headers.authorization'],
    serializers: {
      req: (req: { url?: string; query?: unknown; params?: unknown }) =>
        Object.assign(
          req,
          { url: req.url && redactPersonalData(req.url) },
          redactValues({ query: req.query, params: req.params }),
        ),
      err: (err: Error) => redactValues({ ...pino.stdSerializers.err(err) }),
    },
    hooks: {
      logMethod(args, method) {
        method.apply(
          this,
          args.map((arg: unknown) => (typeof arg === 'string' ? redactPersonalData(arg) : arg)) as Parameters<LogFn>,
        );
      },
    },
    customSuccessMessage: (req, res) => `${req.method} ${redactPersonalData(req.url ?? '')} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${redactPersonalData(req.url ?? '')} ${res.statusCode}`,
  };
}

@Module({})
export class AppModule {
  static forRoot(
    database: Database,
    config: CarnetConfig,
    options: { logDestination?: DestinationStream } = {},
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({
          // Express 5 route syntax: nestjs-pino 4's default ('*') predates it.
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
          pinoHttp: options.logDestination ? [logOptions(config), options.logDestination] : logOptions(config),
        }),
        ScheduleModule.forRoot(),
        DatabaseModule.forRoot(database, config),
        QueueModule,
        AccountsModule,
        FieldsModule,
        ContactsModule,
        ImportsModule,
        DeliverabilityStatusModule,
        SegmentsModule,
        WebhooksModule,
        ExportsModule,
        SchedulerModule,
      ],
      controllers: [HealthController],
    };
  }
}
