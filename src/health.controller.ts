import { Controller, Get, HttpStatus } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Public } from './common/auth.decorators';
import { DomainError } from './common/errors';

export class HealthDto {
  status: 'ok';
  database: 'up';
}

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly db: DataSource) {}

  /** Readiness: answers 200 when the database answers, 503 otherwise. */
  @Get()
  async getHealth(): Promise<HealthDto> {
    try {
      await this.db.query('SELECT 1');
    } catch {
      throw new DomainError(HttpStatus.SERVICE_UNAVAILABLE, 'DatabaseDown', 'The database does not answer');
    }
    return { status: 'ok', database: 'up' };
  }
}
