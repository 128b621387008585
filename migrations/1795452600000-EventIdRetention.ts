/** Event ids are forgotten after EVENT_ID_RETENTION_DAYS: a BRIN index finds the old ones at little cost per insert. */
import { MigrationInterface, QueryRunner } from 'typeorm';

export class EventIdRetention1795452600000 implements MigrationInterface {
  name = 'EventIdRetention1795452600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "deliverability_event_received_brin" ON "deliverability_event" USING brin ("received_at")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "deliverability_event_received_brin"`);
  }
}
