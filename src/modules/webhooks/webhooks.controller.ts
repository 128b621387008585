import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AccountContext, CurrentAccount } from '../../common/auth.decorators';
import { idParam } from '../../common/validation';
import {
  CreateWebhookEndpointDto,
  ListWebhookAttemptsQueryDto,
  UpdateWebhookEndpointDto,
  WebhookAttemptDto,
  WebhookEndpointDto,
  WebhookEndpointWithSecretDto,
} from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@ApiBasicAuth()
@ApiBearerAuth()
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  /** Registers an endpoint; the answer holds its signing secret, shown this once. */
  @Post()
  createWebhookEndpoint(
    @CurrentAccount() account: AccountContext,
    @Body() dto: CreateWebhookEndpointDto,
  ): Promise<WebhookEndpointWithSecretDto> {
    return this.webhooks.create(account.id, dto);
  }

  @Get()
  listWebhookEndpoints(@CurrentAccount() account: AccountContext): Promise<WebhookEndpointDto[]> {
    return this.webhooks.list(account.id);
  }

  @Get(':id')
  getWebhookEndpoint(
    @CurrentAccount() account: AccountContext,
    @Param('id', idParam) id: number,
  ): Promise<WebhookEndpointDto> {
    return this.webhooks.get(account.id, id);
  }

  /** Changes the URL, events or description; `enabled` pauses or resumes deliveries. */
  @Patch(':id')
  updateWebhookEndpoint(
    @CurrentAccount() account: AccountContext,
    @Param('id', idParam) id: number,
    @Body() dto: UpdateWebhookEndpointDto,
  ): Promise<WebhookEndpointDto> {
    return this.webhooks.update(account.id, id, dto);
  }

  /** Deletes the endpoint with its log; events not yet delivered to it are dropped. */
  @Delete(':id')
  @HttpCode(204)
  deleteWebhookEndpoint(@CurrentAccount() account: AccountContext, @Param('id', idParam) id: number): Promise<void> {
    return this.webhooks.remove(account.id, id);
  }

  /** A new signing secret, shown once; the old one also signs for 24 hours (two signatures per delivery). */
  @Post(':id/rotate-secret')
  @HttpCode(200)
  rotateWebhookSecret(
    @CurrentAccount() account: AccountContext,
    @Param('id', idParam) id: number,
  ): Promise<WebhookEndpointWithSecretDto> {
    return this.webhooks.rotateSecret(account.id, id);
  }

  /** Sends a signed `ping` event now and answers how the receiver took it. */
  @Post(':id/test')
  @HttpCode(200)
  testWebhookEndpoint(
    @CurrentAccount() account: AccountContext,
    @Param('id', idParam) id: number,
  ): Promise<WebhookAttemptDto> {
    return this.webhooks.ping(account.id, id);
  }

  /** The endpoint's delivery attempts, newest first (kept 30 days). */
  @Get(':id/attempts')
  listWebhookAttempts(
    @CurrentAccount() account: AccountContext,
    @Param('id', idParam) id: number,
    @Query() query: ListWebhookAttemptsQueryDto,
  ): Promise<WebhookAttemptDto[]> {
    return this.webhooks.listAttempts(account.id, id, query);
  }
}
