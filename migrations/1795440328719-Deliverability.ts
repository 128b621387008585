/** Deliverability events: received event ids (idempotency), soft-bounce counts, soft limit and activity settings. */
import { MigrationInterface, QueryRunner } from 'typeorm';

export class Deliverability1795440328719 implements MigrationInterface {
  name = 'Deliverability1795440328719';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "deliverability_event" ("account_id" uuid NOT NULL, "event_id" text NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a081113b783eac0cde9b05f2454" PRIMARY KEY ("account_id", "event_id"))`,
    );
    await queryRunner.query(`ALTER TABLE "account" ADD "soft_bounce_limit" integer NOT NULL DEFAULT '5'`);
    await queryRunner.query(`ALTER TABLE "account" ADD "activity_days" integer NOT NULL DEFAULT '180'`);
    await queryRunner.query(`ALTER TABLE "contact" ADD "email_soft_count" smallint NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "contact" ADD "mobile_soft_count" smallint NOT NULL DEFAULT '0'`);
    // Room in each page for status updates that touch no indexed column to stay on the page (HOT updates).
    await queryRunner.query(`ALTER TABLE "contact" SET (fillfactor = 90)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "contact" RESET (fillfactor)`);
    await queryRunner.query(`ALTER TABLE "contact" DROP COLUMN "mobile_soft_count"`);
    await queryRunner.query(`ALTER TABLE "contact" DROP COLUMN "email_soft_count"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "activity_days"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "soft_bounce_limit"`);
    await queryRunner.query(`DROP TABLE "deliverability_event"`);
  }
}
