import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
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
  @ApiBody({ type: DeliverabilityEventBatchDto })
  recordDeliverabilityEvents(
    @CurrentAccount() account: AccountContext,
    // The service reads the items one by one: the validation pipe would copy ten thousand objects first.
    @Body('events') events: unknown,
  ): Promise<EventBatchResultDto> {
    return this.events.ingest(account, events);
  }
}
