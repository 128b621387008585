import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AccountContext, CurrentAccount } from '../../common/auth.decorators';
import { idParam } from '../../common/validation';
import { CreateScheduleDto, ScheduleDto, ScheduleRunDto, UpdateScheduleDto } from './dto/schedule.dto';
import { SchedulesService } from './schedules.service';

/** Cron-driven SFTP imports (and, later, exports), "run now" and the run history (SPEC §9). */
@ApiTags('scheduler')
@ApiBasicAuth()
@ApiBearerAuth()
@Controller('schedules')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  /** A bad cron expression or timezone is a 400 saying why. */
  @Post()
  createSchedule(@CurrentAccount() account: AccountContext, @Body() dto: CreateScheduleDto): Promise<ScheduleDto> {
    return this.schedules.create(account, dto);
  }

  @Get()
  listSchedules(@CurrentAccount() account: AccountContext): Promise<ScheduleDto[]> {
    return this.schedules.list(account);
  }

  @Get(':id')
  getSchedule(@CurrentAccount() account: AccountContext, @Param('id', idParam) id: number): Promise<ScheduleDto> {
    return this.schedules.get(account, id);
  }

  @Patch(':id')
  updateSchedule(
    @CurrentAccount() account: AccountContext,
    @Param('id', idParam) id: number,
    @Body() dto: UpdateScheduleDto,
  ): Promise<ScheduleDto> {
    return this.schedules.update(account, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  deleteSchedule(@CurrentAccount() account: AccountContext, @Param('id', idParam) id: number): Promise<void> {
    return this.schedules.delete(account, id);
  }

  /** Queues a run now, whatever the cron says; answers the queued run (poll it in the run history). */
  @Post(':id/run')
  @HttpCode(202)
  runScheduleNow(@CurrentAccount() account: AccountContext, @Param('id', idParam) id: number): Promise<ScheduleRunDto> {
    return this.schedules.runNow(account, id);
  }

  /** The schedule's runs, newest first (the latest 100). */
  @Get(':id/runs')
  listScheduleRuns(
    @CurrentAccount() account: AccountContext,
    @Param('id', idParam) id: number,
  ): Promise<ScheduleRunDto[]> {
    return this.schedules.listRuns(account, id);
  }

  @Get(':id/runs/:runId')
  getScheduleRun(
    @CurrentAccount() account: AccountContext,
    @Param('id', idParam) id: number,
    @Param('runId', idParam) runId: number,
  ): Promise<ScheduleRunDto> {
    return this.schedules.getRun(account, id, runId);
  }
}
