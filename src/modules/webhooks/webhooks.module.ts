import { Module } from '@nestjs/common';
import { secretBoxProvider } from '../../common/secret-box';
import { WebhookDeliveries } from './webhook-deliveries';
import { WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

/** Signed notifications of operations' ends (SPEC §10). Depends on no feature module: they call it. */
@Module({
  controllers: [WebhooksController],
  providers: [WebhooksRepository, WebhooksService, WebhookDeliveries, secretBoxProvider],
  exports: [WebhooksService],
})
export class WebhooksModule {}
