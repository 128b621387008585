import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AccountContext, CurrentAccount } from '../../common/auth.decorators';
import { idParam } from '../../common/validation';
import {
  ContactSearchCountDto,
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
import { SegmentsService } from './segments.service';

/** Segments with the tree as JSON, counts, their contacts, and the catalogue a criteria editor is built from. */
@ApiTags('segments')
@ApiBasicAuth()
@ApiBearerAuth()
@Controller()
export class SegmentsController {
  constructor(private readonly segments: SegmentsService) {}

  /** Every field a criterion may name, with its operators and list values: what a criteria builder needs. */
  @Get('segments/fields')
  getSegmentFields(@CurrentAccount() account: AccountContext): Promise<CriteriaCatalogueDto> {
    return this.segments.catalogue(account);
  }

  /** The account's segments, default ones first. */
  @Get('segments')
  listSegments(@CurrentAccount() account: AccountContext): Promise<SegmentDto[]> {
    return this.segments.list(account);
  }

  /** Saves a criteria tree as a segment; 400 names each criterion it refuses by its path. */
  @Post('segments')
  createSegment(@CurrentAccount() account: AccountContext, @Body() dto: SegmentWriteDto): Promise<SegmentDto> {
    return this.segments.create(account, dto);
  }

  @Get('segments/:id')
  getSegment(@CurrentAccount() account: AccountContext, @Param('id', idParam) id: number): Promise<SegmentDto> {
    return this.segments.get(account, id);
  }

  /** Replaces a segment's name, description and tree (default segments are read-only: 409). */
  @Put('segments/:id')
  updateSegment(
    @CurrentAccount() account: AccountContext,
    @Param('id', idParam) id: number,
    @Body() dto: SegmentWriteDto,
  ): Promise<SegmentDto> {
    return this.segments.update(account, id, dto);
  }

  /** Deletes a segment; 409 naming the segments that use it, if any. */
  @Delete('segments/:id')
  @HttpCode(204)
  deleteSegment(@CurrentAccount() account: AccountContext, @Param('id', idParam) id: number): Promise<void> {
    return this.segments.remove(account, id);
  }

  /** How many contacts are in the segment now (membership is live). */
  @Get('segments/:id/count')
  countSegment(@CurrentAccount() account: AccountContext, @Param('id', idParam) id: number): Promise<SegmentCountDto> {
    return this.segments.count(account, id);
  }

  /** The segment's contacts by id, a page at a time, with the chosen fields. */
  @Get('segments/:id/contacts')
  listSegmentContacts(
    @CurrentAccount() account: AccountContext,
    @Param('id', idParam) id: number,
    @Query() query: ContactSelectionPageQueryDto,
  ): Promise<ContactSelectionPageDto> {
    return this.segments.contacts(account, id, query);
  }

  /** Ad-hoc search: the contacts matching a tree, a page at a time. */
  @Post('contacts/search')
  @HttpCode(200)
  searchContacts(
    @CurrentAccount() account: AccountContext,
    @Body() dto: ContactSearchDto,
  ): Promise<ContactSelectionPageDto> {
    return this.segments.search(account, dto);
  }

  /** How many contacts match a tree. */
  @Post('contacts/search/count')
  @HttpCode(200)
  countSearchContacts(
    @CurrentAccount() account: AccountContext,
    @Body() dto: ContactSearchCountDto,
  ): Promise<SegmentCountDto> {
    return this.segments.countTree(account, dto.tree);
  }
}

/** The v4 `Segment` calls, as the v4 client sends them (`details` holds the tree as JSON text). */
@ApiTags('segments (v4)')
@ApiBasicAuth()
@ApiBearerAuth()
@Controller('segment')
export class V4SegmentsController {
  constructor(private readonly segments: SegmentsService) {}

  @Get()
  getAllSegments(@CurrentAccount() account: AccountContext): Promise<V4SegmentAnswerDto[]> {
    return this.segments.listV4(account);
  }

  /** Answers the segment's fresh count (membership is always live: nothing to rebuild). */
  @Get('updatecache/:id')
  updateSegmentCache(
    @CurrentAccount() account: AccountContext,
    @Param('id', idParam) id: number,
  ): Promise<SegmentCountDto> {
    return this.segments.count(account, id);
  }

  @Get(':id')
  getV4Segment(
    @CurrentAccount() account: AccountContext,
    @Param('id', idParam) id: number,
  ): Promise<V4SegmentAnswerDto> {
    return this.segments.getV4(account, id);
  }

  @Post()
  postSegment(@CurrentAccount() account: AccountContext, @Body() dto: V4SegmentDto): Promise<V4SegmentAnswerDto> {
    return this.segments.createV4(account, dto);
  }

  @Put()
  putSegment(@CurrentAccount() account: AccountContext, @Body() dto: V4SegmentUpdateDto): Promise<V4SegmentAnswerDto> {
    return this.segments.updateV4(account, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  deleteV4Segment(@CurrentAccount() account: AccountContext, @Param('id', idParam) id: number): Promise<void> {
    return this.segments.remove(account, id);
  }
}
