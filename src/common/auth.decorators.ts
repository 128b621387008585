import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';

export const PUBLIC_ROUTE = 'carnet:public';
export const ADMIN_ROUTE = 'carnet:admin';

/** No credentials needed (health, docs). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
/** Needs `Authorization: Bearer $ADMIN_TOKEN`. */
export const AdminOnly = () => SetMetadata(ADMIN_ROUTE, true);

/** The tenant an authenticated request acts for. */
export interface AccountContext {
  id: string;
  login: string;
  uniquenessKey: 'email' | 'mobile';
  defaultCountry: string;
  allowDuplicates: boolean;
  timezone: string;
  softBounceLimit: number;
  activityDays: number;
}

export type AuthenticatedRequest = Request & { account?: AccountContext };

export const CurrentAccount = createParamDecorator((_: unknown, context: ExecutionContext): AccountContext => {
  const account = context.switchToHttp().getRequest<AuthenticatedRequest>().account;
  if (!account) throw new Error('CurrentAccount used on a route without account authentication');
  return account;
});
