import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AccountContext, CurrentAccount } from '../../common/auth.decorators';
import { DeliverabilityEventsService } from './deliverability-events.service';
import { DeliverabilityEventBatchDto, EventBatchResultDto } from './dto/event.dto';

@ApiTags('deliverability')
@ApiBasicAuth()
@ApiBearerAuth()
@Controller('deliverability')
export class DeliverabilityStatusController {
  constructor(private readonly events: DeliverabilityEventsService) {}

  /** Applies events from sending systems (deliveries, bounces, opens, unsubscribes…) to contact statuses. */
  @Post('events')
  @HttpCode(200)
  recordDeliverabilityEvents(
    @CurrentAccount() account: AccountContext,
    @Body() batch: DeliverabilityEventBatchDto,
  ): Promise<EventBatchResultDto> {
    return this.events.ingest(account, batch.events);
  }
}
