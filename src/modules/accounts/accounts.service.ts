import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { randomBytes } from 'node:crypto';
import { CarnetConfig } from '../../config/configuration';
import { CARNET_CONFIG } from '../../database/database.module';
import { AccountContext } from '../../common/auth.decorators';
import { BadRequest, Conflict, DomainError, NotFound, Unauthorized } from '../../common/errors';
import { mapUniqueViolations } from '../../common/unique-violation';
import { ContactsService } from '../contacts/contacts.service';
import { AccountSettings, isSettingName, readSettingsPatch, unknownSettingMessage } from './account-settings';
import { AccountsRepository } from './accounts.repository';
import { hashApiKey, newApiKey, parseAuthorization, sameHash } from './api-key';
import { AccountCreatedDto, CreateAccountDto, SettingsDto } from './dto/account.dto';

/** Refuses (throws a DomainError) a change of an account's uniqueness key, inside the transaction making it. */
export type UniquenessKeyGuard = (em: EntityManager, accountId: string) => Promise<void>;

@Injectable()
export class AccountsService {
  private readonly uniquenessKeyGuards: UniquenessKeyGuard[] = [];

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly contacts: ContactsService,
    @Inject(CARNET_CONFIG) private readonly config: CarnetConfig,
  ) {}

  /** Checks `Authorization: Bearer $ADMIN_TOKEN`; admin routes are disabled when ADMIN_TOKEN is unset. */
  checkAdmin(header: string | undefined): void {
    if (!this.config.adminToken) {
      throw new DomainError(HttpStatus.FORBIDDEN, 'AdminDisabled', 'Admin endpoints are disabled: set ADMIN_TOKEN');
    }
    const credentials = parseAuthorization(header);
    if (
      credentials?.kind !== 'bearer' ||
      !sameHash(hashApiKey(credentials.token), hashApiKey(this.config.adminToken))
    ) {
      throw new Unauthorized('Send Authorization: Bearer <ADMIN_TOKEN> to use admin endpoints');
    }
  }

  /** Resolves Basic `login:apiKey` or Bearer `apiKey` to the account it belongs to. */
  async authenticate(header: string | undefined): Promise<AccountContext> {
    const credentials = parseAuthorization(header);
    if (!credentials) {
      throw new Unauthorized('Authenticate with HTTP Basic (login:apiKey) or Authorization: Bearer <apiKey>');
    }
    const account =
      credentials.kind === 'bearer'
        ? await this.accounts.findByKeyHash(hashApiKey(credentials.token))
        : await this.accounts.findByLogin(credentials.login);
    const presented = credentials.kind === 'bearer' ? credentials.token : credentials.apiKey;
    if (!account || !sameHash(account.apiKeyHash, hashApiKey(presented))) {
      throw new Unauthorized('Unknown login or API key');
    }
    return { id: account.id, login: account.login, ...pickSettings(account) };
  }

  /** The account as background jobs see it (no credentials involved). */
  async contextOf(id: string): Promise<AccountContext> {
    const account = await this.accounts.findById(id);
    if (!account) throw new NotFound('Account', id);
    return { id, login: account.login, ...pickSettings(account) };
  }

  async create(dto: CreateAccountDto): Promise<AccountCreatedDto> {
    const login = dto.login ?? `${slug(dto.name)}-${randomBytes(3).toString('hex')}`;
    const loginTaken = () => new Conflict('LoginTaken', `Login "${login}" is already taken`);
    if (await this.accounts.loginExists(login)) throw loginTaken();
    const apiKey = newApiKey();
    const account = await mapUniqueViolations(() => this.accounts.insert(dto.name, login, hashApiKey(apiKey)), {
      account_login_key: loginTaken,
    });
    return { id: account.id, name: account.name, login: account.login, apiKey };
  }

  async rotateKey(id: string): Promise<AccountCreatedDto> {
    const apiKey = newApiKey();
    const account = isUuid(id) ? await this.accounts.replaceKeyHash(id, hashApiKey(apiKey)) : undefined;
    if (!account) throw new NotFound('Account', id);
    return { id: account.id, name: account.name, login: account.login, apiKey };
  }

  getSetting(account: AccountContext, setting: string): SettingsDto {
    if (!isSettingName(setting)) throw new BadRequest('UnknownSetting', unknownSettingMessage(setting));
    return { attributeType: { [setting]: account[setting] } };
  }

  /** Lets a module that reads contacts by key (imports) refuse a key change while it works; called at start-up. */
  guardUniquenessKeyChange(guard: UniquenessKeyGuard): void {
    this.uniquenessKeyGuards.push(guard);
  }

  /**
   * Saves settings. A new uniqueness key re-keys the contacts in the same transaction, the account locked: no
   * import can start meanwhile (its operation's insert waits for the lock), and the guards refuse while one runs.
   */
  async updateSettings(account: AccountContext, dto: SettingsDto): Promise<SettingsDto> {
    const { patch, problems } = readSettingsPatch(dto.attributeType);
    if (problems.length > 0) {
      throw new BadRequest(
        'InvalidSettings',
        problems.join('; '),
        problems.map((message) => ({ message })),
      );
    }
    const saved = await this.accounts.transaction(async (em) => {
      const current = await this.accounts.lockForUpdate(em, account.id);
      if (!current) throw new NotFound('Account', account.id);
      if (patch.uniquenessKey && patch.uniquenessKey !== current.uniquenessKey) {
        for (const guard of this.uniquenessKeyGuards) await guard(em, account.id);
        const allowDuplicates = patch.allowDuplicates ?? current.allowDuplicates;
        await this.contacts.applyUniquenessKey(em, account.id, patch.uniquenessKey, allowDuplicates);
      }
      await this.accounts.updateSettings(em, account.id, patch);
      return current;
    });
    return { attributeType: { ...pickSettings(saved), ...patch } };
  }
}

function pickSettings(account: AccountSettings): AccountSettings {
  const { uniquenessKey, defaultCountry, allowDuplicates, timezone, softBounceLimit, activityDays } = account;
  return { uniquenessKey, defaultCountry, allowDuplicates, timezone, softBounceLimit, activityDays };
}

function slug(name: string): string {
  const base = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 24);
  return base || 'account';
}

function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
