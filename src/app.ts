import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import { ErrorFilter } from './common/error.filter';
import { jsonBody } from './common/json-body';
import { validationPipe } from './common/validation';
import { CarnetConfig } from './config/configuration';
import { Database } from './database/database';

export const API_PREFIX = 'api/rest/v4';

/** Builds the configured Nest application (not yet listening): used by main, tests and the OpenAPI writer. */
export async function createApp(
  database: Database,
  config: CarnetConfig,
  logDestination?: DestinationStream,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(database, config, logDestination), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.use(jsonBody('20mb'));
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health'] });
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new ErrorFilter(config.maxUploadBytes));
  SwaggerModule.setup('docs', app, openApiDocument(app));
  return app;
}

export function openApiDocument(app: NestExpressApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Carnet API')
    .setDescription('Contact base for email and SMS marketing; mirrors the v4 contact API under /api/rest/v4.')
    .setVersion('1.0')
    .addBasicAuth()
    .addBearerAuth()
    .build();
  return SwaggerModule.createDocument(app, config, { operationIdFactory: (_controller, method) => method });
}
