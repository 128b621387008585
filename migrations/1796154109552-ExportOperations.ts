/** Exports: one row per export with its settings, progress and the stored file it wrote. */
import { MigrationInterface, QueryRunner } from 'typeorm';

export class ExportOperations1796154109552 implements MigrationInterface {
  name = 'ExportOperations1796154109552';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "export_operation" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "account_id" uuid NOT NULL, "name" text NOT NULL, "description" text NOT NULL DEFAULT '', "status" text NOT NULL DEFAULT 'pending', "settings" jsonb NOT NULL, "total_contact" integer, "rows_written" integer NOT NULL DEFAULT '0', "file_id" uuid, "file_size" bigint, "failure" text, "attempts" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, "heartbeat_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_f08e8b2cf75dac5e80e66f00d98" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "export_operation_account_idx" ON "export_operation" ("account_id", "id") `);
    await queryRunner.query(
      `ALTER TABLE "export_operation" ADD CONSTRAINT "FK_69e85ebdfaef0106855e72f270e" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "export_operation" DROP CONSTRAINT "FK_69e85ebdfaef0106855e72f270e"`);
    await queryRunner.query(`DROP INDEX "public"."export_operation_account_idx"`);
    await queryRunner.query(`DROP TABLE "export_operation"`);
  }
}
