import { Injectable } from '@nestjs/common';
import type { AccountContext } from '../../common/auth.decorators';
import { formatUtc } from '../../common/dates';
import { BadRequest, Conflict, DomainError, NotFound } from '../../common/errors';
import { AccountsService } from '../accounts/accounts.service';
import { renderAttributes } from '../contacts/contact-attributes';
import { builtinField } from '../fields/builtin-fields';
import type { FieldCatalogue } from '../fields/field-catalogue';
import { FieldsService } from '../fields/fields.service';
import { criteriaCatalogue } from './criteria-catalogue';
import {
  compileCriteria,
  CriteriaError,
  CriteriaNode,
  directSegmentIds,
  MAX_CRITERIA,
  MAX_DEPTH,
  referencedIds,
  SavedTree,
  SqlPredicate,
} from './criteria';
import {
  ContactSearchDto,
  ContactSelectionPageDto,
  ContactSelectionPageQueryDto,
  CriteriaCatalogueDto,
  SegmentCountDto,
  SegmentDto,
  SegmentWriteDto,
  V4SegmentAnswerDto,
  V4SegmentDto,
  V4SegmentUpdateDto,
} from './dto/segment.dto';
import { SegmentRow, SegmentsRepository } from './segments.repository';

export type { CriteriaNode, SqlPredicate } from './criteria';

/** What a caller (an export, a search) selects contacts by. */
export type ContactSelection =
  { segmentId: number } | { tree: CriteriaNode } | { groupId: number } | { importId: number };

/** A tree the compiler refused: 400, each problem named by its path in the tree. */
export class InvalidCriteria extends BadRequest {
  constructor(errors: CriteriaError[]) {
    const cycle = errors.some((e) => e.message.startsWith('segment cycle:'));
    super(
      cycle ? 'SegmentCycle' : 'InvalidCriteria',
      errors.map((e) => `${e.path}: ${e.message}`).join('; '),
      errors.map((e) => ({ field: e.path, message: e.message })),
    );
  }
}

type AccountRules = Pick<AccountContext, 'id' | 'timezone' | 'activityDays'>;

const DEFAULT_LIMIT = 100;

@Injectable()
export class SegmentsService {
  constructor(
    private readonly segments: SegmentsRepository,
    private readonly fields: FieldsService,
    private readonly accounts: AccountsService,
  ) {}

  /**
   * The contacts a selection names, as an SQL predicate over the `contact` row aliased `options.alias`, its
   * placeholders numbered from `options.firstParam`. Unknown or another account's segment, group or import id:
   * 404; a bad tree: 400 naming each criterion. The predicate does NOT filter on `account_id`: the caller's
   * query must (`WHERE alias.account_id = $1 AND <sql>`); membership subqueries are correlated on the row.
   */
  async selectionPredicate(
    accountId: string,
    selection: ContactSelection,
    options: { alias: string; firstParam: number },
  ): Promise<SqlPredicate> {
    const account = await this.accounts.contextOf(accountId);
    let tree: unknown;
    if ('segmentId' in selection) {
      await this.mustFind(accountId, selection.segmentId);
      tree = { inSegment: selection.segmentId };
    } else if ('groupId' in selection) {
      const groups = await this.segments.existingGroups(accountId, [selection.groupId]);
      if (!groups.has(selection.groupId)) throw new NotFound('Group', selection.groupId);
      tree = { inGroup: selection.groupId };
    } else if ('importId' in selection) {
      const imports = await this.segments.existingImports(accountId, [selection.importId]);
      if (!imports.has(selection.importId)) throw new NotFound('Import', selection.importId);
      tree = { inImport: selection.importId };
    } else tree = selection.tree;
    return this.compile(account, tree, options);
  }

  async list(account: AccountContext): Promise<SegmentDto[]> {
    return (await this.segments.list(account.id)).map(toSegmentDto);
  }

  async get(account: AccountContext, id: number): Promise<SegmentDto> {
    return toSegmentDto(await this.mustFind(account.id, id));
  }

  async create(account: AccountContext, dto: SegmentWriteDto, mode = 'union'): Promise<SegmentDto> {
    await this.compile(account, dto.tree, { alias: 'c', firstParam: 1 });
    const row = await this.segments.insert(account.id, {
      name: dto.name.trim(),
      description: dto.description ?? '',
      tree: dto.tree,
      mode,
    });
    return toSegmentDto(row);
  }

  async update(account: AccountContext, id: number, dto: SegmentWriteDto, mode = 'union'): Promise<SegmentDto> {
    const current = await this.mustFind(account.id, id);
    if (current.isDefault) throw readOnly(current);
    // Compiled as if saved, so a tree reaching back to this segment is a cycle.
    await this.compile(account, dto.tree, { alias: 'c', firstParam: 1 }, { id, name: dto.name.trim() });
    const row = await this.segments.update(account.id, id, {
      name: dto.name.trim(),
      description: dto.description ?? current.description,
      tree: dto.tree,
      mode,
    });
    if (!row) throw new NotFound('Segment', id);
    return toSegmentDto(row);
  }

  async remove(account: AccountContext, id: number): Promise<void> {
    const current = await this.mustFind(account.id, id);
    if (current.isDefault) throw readOnly(current);
    const users = (await this.segments.list(account.id)).filter(
      (s) => s.id !== id && directSegmentIds(s.tree).includes(id),
    );
    if (users.length > 0) {
      throw new Conflict(
        'SegmentInUse',
        `Segment ${id} ${JSON.stringify(current.name)} is used by ${users
          .map((s) => `segment ${s.id} ${JSON.stringify(s.name)}`)
          .join(', ')}; remove it from their criteria first`,
      );
    }
    if (!(await this.segments.delete(account.id, id))) throw new NotFound('Segment', id);
  }

  async count(account: AccountContext, id: number): Promise<SegmentCountDto> {
    await this.mustFind(account.id, id);
    return this.countTree(account, { inSegment: id });
  }

  async countTree(account: AccountContext, tree: unknown): Promise<SegmentCountDto> {
    const predicate = await this.compile(account, tree, { alias: 'c', firstParam: 2 });
    const count = await this.segments.count(account.id, predicate);
    return { count, countedAt: formatUtc(new Date()) };
  }

  async contacts(
    account: AccountContext,
    id: number,
    query: ContactSelectionPageQueryDto,
  ): Promise<ContactSelectionPageDto> {
    await this.mustFind(account.id, id);
    return this.page(account, { inSegment: id }, query);
  }

  async search(account: AccountContext, dto: ContactSearchDto): Promise<ContactSelectionPageDto> {
    return this.page(account, dto.tree, dto);
  }

  async catalogue(account: AccountContext): Promise<CriteriaCatalogueDto> {
    const fields = criteriaCatalogue(await this.fields.catalogue(account.id));
    return {
      fields: fields.map((f) => ({ ...f, operators: [...f.operators] })),
      memberships: ['inSegment', 'inGroup', 'inImport'],
      maxDepth: MAX_DEPTH,
      maxCriteria: MAX_CRITERIA,
    };
  }

  // ——— v4 mirror ———

  async listV4(account: AccountContext): Promise<V4SegmentAnswerDto[]> {
    return (await this.segments.list(account.id)).map(toV4Segment);
  }

  async getV4(account: AccountContext, id: number): Promise<V4SegmentAnswerDto> {
    return toV4Segment(await this.mustFind(account.id, id));
  }

  async createV4(account: AccountContext, dto: V4SegmentDto): Promise<V4SegmentAnswerDto> {
    const created = await this.create(
      account,
      { name: dto.name, description: dto.description, tree: fromDetails(dto) },
      dto.mode,
    );
    return this.getV4(account, created.id);
  }

  async updateV4(account: AccountContext, dto: V4SegmentUpdateDto): Promise<V4SegmentAnswerDto> {
    await this.update(
      account,
      dto.id,
      { name: dto.name, description: dto.description, tree: fromDetails(dto) },
      dto.mode,
    );
    return this.getV4(account, dto.id);
  }

  // ——— internals ———

  private async page(
    account: AccountContext,
    tree: unknown,
    query: { limit?: number; cursor?: string; fields?: string[] },
  ): Promise<ContactSelectionPageDto> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const afterId = query.cursor ? decodeCursor(query.cursor) : 0;
    const catalogue = await this.fields.catalogue(account.id);
    const chosen = query.fields ? chosenFields(query.fields, catalogue) : undefined;
    const predicate = await this.compile(account, tree, { alias: 'c', firstParam: 4 }, undefined, catalogue);
    const rows = await this.segments.page(account.id, predicate, afterId, limit + 1);
    const page = rows.slice(0, limit);
    return {
      contacts: page.map((row) => {
        const attributes = renderAttributes(row, catalogue, account.activityDays);
        return {
          id: row.id,
          contactKey: row.unique_key,
          attributes: chosen ? attributes.filter((a) => chosen.has(a.fieldName)) : attributes,
        };
      }),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].id) : null,
    };
  }

  /** Loads what the tree needs from the account and compiles it; 400 with every problem otherwise. */
  private async compile(
    account: AccountRules,
    tree: unknown,
    options: { alias: string; firstParam: number },
    saving?: { id: number; name: string },
    catalogue?: FieldCatalogue,
  ): Promise<SqlPredicate> {
    const rows = await this.segments.list(account.id);
    const segments = new Map<number, SavedTree>(
      rows.map((r) => [r.id, { name: r.name, tree: r.tree as CriteriaNode }]),
    );
    if (saving) segments.set(saving.id, { name: saving.name, tree: tree as CriteriaNode });
    const ids = referencedIds(tree, segments);
    const [fields, groups, imports] = await Promise.all([
      catalogue ?? this.fields.catalogue(account.id),
      this.segments.existingGroups(account.id, [...ids.groups]),
      this.segments.existingImports(account.id, [...ids.imports]),
    ]);
    const result = compileCriteria(
      tree,
      {
        catalogue: fields,
        segments,
        groups,
        imports,
        timezone: account.timezone,
        activityDays: account.activityDays,
        now: new Date(),
      },
      { ...options, self: saving?.id },
    );
    if (!result.ok) throw new InvalidCriteria(result.errors);
    return { sql: result.sql, params: result.params };
  }

  private async mustFind(accountId: string, id: number): Promise<SegmentRow> {
    const row = await this.segments.find(accountId, id);
    if (!row) throw new NotFound('Segment', id);
    return row;
  }
}

function readOnly(segment: SegmentRow): DomainError {
  return new Conflict(
    'SegmentReadOnly',
    `Segment ${segment.id} ${JSON.stringify(segment.name)} is a default segment and cannot be changed or deleted`,
  );
}

export function toSegmentDto(row: SegmentRow): SegmentDto {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    tree: row.tree as Record<string, unknown>,
    isDefault: row.isDefault,
    creationDate: formatUtc(row.createdAt),
    modificationDate: formatUtc(row.updatedAt),
  };
}

/** The v4 `Segment` as the v4 client reads it. */
export function toV4Segment(row: SegmentRow): V4SegmentAnswerDto {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    creationDate: formatUtc(row.createdAt),
    mode: row.mode,
    details: JSON.stringify(row.tree),
  };
}

/** v4 `details`: JSON text of a tree, or of an array of criteria combined by `mode`. */
function fromDetails(dto: V4SegmentDto): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(dto.details);
  } catch {
    throw new BadRequest('InvalidCriteria', 'details must be JSON text: a criteria tree or an array of criteria');
  }
  if (Array.isArray(parsed)) return dto.mode === 'intersection' ? { all: parsed } : { any: parsed };
  if (typeof parsed !== 'object' || parsed === null) {
    throw new BadRequest('InvalidCriteria', 'details must hold a criteria tree (an object) or an array of criteria');
  }
  return parsed as Record<string, unknown>;
}

function chosenFields(keys: string[], catalogue: FieldCatalogue): Set<string> {
  const chosen = new Set<string>();
  for (const key of keys) {
    const builtin = builtinField(key);
    if (builtin) chosen.add(builtin.key);
    else if (/^\d+$/.test(key) && catalogue.field(Number(key))) chosen.add(String(Number(key)));
    else {
      throw new BadRequest(
        'UnknownField',
        `fields: ${JSON.stringify(key)} is neither a built-in key nor a custom field id of this account`,
      );
    }
  }
  return chosen;
}

function encodeCursor(id: number): string {
  return Buffer.from(`s:${id}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^s:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new BadRequest('InvalidCursor', 'cursor is not one this API returned; pass nextCursor unchanged');
  return Number(match[1]);
}
