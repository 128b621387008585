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
    await queryRunner.query(
      `ALTER TABLE "deliverability_event" ADD CONSTRAINT "FK_f2d1ba701dd05e3abf5994cf0eb" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "deliverability_event" DROP CONSTRAINT "FK_f2d1ba701dd05e3abf5994cf0eb"`);
    await queryRunner.query(`ALTER TABLE "contact" DROP COLUMN "mobile_soft_count"`);
    await queryRunner.query(`ALTER TABLE "contact" DROP COLUMN "email_soft_count"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "activity_days"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "soft_bounce_limit"`);
    await queryRunner.query(`DROP TABLE "deliverability_event"`);
  }
}
