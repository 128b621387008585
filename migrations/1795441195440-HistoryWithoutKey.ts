/** Contact history without a foreign key to contact: deletes remove it explicitly, bulk writes skip a lookup per row. */
import { MigrationInterface, QueryRunner } from 'typeorm';

export class HistoryWithoutKey1795441195440 implements MigrationInterface {
  name = 'HistoryWithoutKey1795441195440';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "contact_history" DROP CONSTRAINT "FK_b85eaa6d13a8452394b43ce74bf"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "contact_history" ADD CONSTRAINT "FK_b85eaa6d13a8452394b43ce74bf" FOREIGN KEY ("contact_id") REFERENCES "contact"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }
}
