import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ADMIN_ROUTE, AuthenticatedRequest, PUBLIC_ROUTE } from '../../common/auth.decorators';
import { AccountsService } from './accounts.service';

/** Global guard: every route needs an account's API key unless marked @Public or @AdminOnly. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly accounts: AccountsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (this.reflector.getAllAndOverride<boolean>(ADMIN_ROUTE, targets)) {
      this.accounts.checkAdmin(request.headers.authorization);
      return true;
    }
    request.account = await this.accounts.authenticate(request.headers.authorization);
    return true;
  }
}
