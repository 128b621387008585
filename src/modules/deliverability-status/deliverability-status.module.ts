import { Module } from '@nestjs/common';
import { ContactsModule } from '../contacts/contacts.module';
import { DeliverabilityEventsRepository } from './deliverability-events.repository';
import { DeliverabilityEventsService } from './deliverability-events.service';
import { DeliverabilityStatusController } from './deliverability-status.controller';

@Module({
  imports: [ContactsModule],
  controllers: [DeliverabilityStatusController],
  providers: [DeliverabilityEventsRepository, DeliverabilityEventsService],
})
export class DeliverabilityStatusModule {}
