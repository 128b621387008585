/** Webhook endpoints, the events owed to them (the outbox, one delivery per endpoint) and every attempt. */
import { MigrationInterface, QueryRunner } from 'typeorm';

export class Webhooks1796154414637 implements MigrationInterface {
  name = 'Webhooks1796154414637';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "webhook_endpoint" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "account_id" uuid NOT NULL, "url" text NOT NULL, "description" text NOT NULL DEFAULT '', "events" text array NOT NULL, "enabled" boolean NOT NULL DEFAULT true, "disabled_reason" text, "disabled_at" TIMESTAMP WITH TIME ZONE, "failing_since" TIMESTAMP WITH TIME ZONE, "secret" text NOT NULL, "previous_secret" text, "previous_secret_until" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6c98112122b2b8a4f3984d2efa8" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "webhook_endpoint_account_idx" ON "webhook_endpoint" ("account_id", "id") `);
    await queryRunner.query(
      `CREATE TABLE "webhook_event" ("id" text NOT NULL, "account_id" uuid NOT NULL, "type" text NOT NULL, "body" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0f56d2f40f5ec823acf8e8edad1" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "webhook_event_created_idx" ON "webhook_event" ("created_at") `);
    await queryRunner.query(
      `CREATE TABLE "webhook_delivery" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "account_id" uuid NOT NULL, "endpoint_id" bigint NOT NULL, "event_id" text NOT NULL, "status" text NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "lease_until" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_b1ae290239a778f12399db91354" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "webhook_delivery_due_idx" ON "webhook_delivery" ("next_attempt_at") WHERE status = 'pending'`,
    );
    await queryRunner.query(`CREATE INDEX "webhook_delivery_endpoint_idx" ON "webhook_delivery" ("endpoint_id") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "webhook_delivery_event_endpoint_key" ON "webhook_delivery" ("event_id", "endpoint_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "webhook_attempt" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "account_id" uuid NOT NULL, "endpoint_id" bigint NOT NULL, "delivery_id" bigint NOT NULL, "event_id" text NOT NULL, "event_type" text NOT NULL, "attempt" integer NOT NULL, "attempted_at" TIMESTAMP WITH TIME ZONE NOT NULL, "duration_ms" integer NOT NULL, "status_code" integer, "error" text, "response_head" text, "outcome" text NOT NULL, "endpoint_disabled" text, CONSTRAINT "PK_e4ff77b66cdd20591ba6189a1f9" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "webhook_attempt_at_idx" ON "webhook_attempt" ("attempted_at") `);
    await queryRunner.query(`CREATE INDEX "webhook_attempt_delivery_idx" ON "webhook_attempt" ("delivery_id") `);
    await queryRunner.query(`CREATE INDEX "webhook_attempt_endpoint_idx" ON "webhook_attempt" ("endpoint_id", "id") `);
    await queryRunner.query(
      `ALTER TABLE "webhook_endpoint" ADD CONSTRAINT "FK_5c628be8d5dd39a6a614a626c2b" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_event" ADD CONSTRAINT "FK_a63c7a5774a56d1f17c617566be" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_delivery" ADD CONSTRAINT "FK_f53f5aec02217a54927b13e39d9" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoint"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_delivery" ADD CONSTRAINT "FK_b723a573cd78b4cff3404153ad1" FOREIGN KEY ("event_id") REFERENCES "webhook_event"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_attempt" ADD CONSTRAINT "FK_d44c762778e1f227f560e1e951f" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoint"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_attempt" ADD CONSTRAINT "FK_d7ed48c4841159bfd6bdee166ea" FOREIGN KEY ("delivery_id") REFERENCES "webhook_delivery"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhook_attempt" DROP CONSTRAINT "FK_d7ed48c4841159bfd6bdee166ea"`);
    await queryRunner.query(`ALTER TABLE "webhook_attempt" DROP CONSTRAINT "FK_d44c762778e1f227f560e1e951f"`);
    await queryRunner.query(`ALTER TABLE "webhook_delivery" DROP CONSTRAINT "FK_b723a573cd78b4cff3404153ad1"`);
    await queryRunner.query(`ALTER TABLE "webhook_delivery" DROP CONSTRAINT "FK_f53f5aec02217a54927b13e39d9"`);
    await queryRunner.query(`ALTER TABLE "webhook_event" DROP CONSTRAINT "FK_a63c7a5774a56d1f17c617566be"`);
    await queryRunner.query(`ALTER TABLE "webhook_endpoint" DROP CONSTRAINT "FK_5c628be8d5dd39a6a614a626c2b"`);
    await queryRunner.query(`DROP INDEX "public"."webhook_attempt_endpoint_idx"`);
    await queryRunner.query(`DROP INDEX "public"."webhook_attempt_delivery_idx"`);
    await queryRunner.query(`DROP INDEX "public"."webhook_attempt_at_idx"`);
    await queryRunner.query(`DROP TABLE "webhook_attempt"`);
    await queryRunner.query(`DROP INDEX "public"."webhook_delivery_event_endpoint_key"`);
    await queryRunner.query(`DROP INDEX "public"."webhook_delivery_endpoint_idx"`);
    await queryRunner.query(`DROP INDEX "public"."webhook_delivery_due_idx"`);
    await queryRunner.query(`DROP TABLE "webhook_delivery"`);
    await queryRunner.query(`DROP INDEX "public"."webhook_event_created_idx"`);
    await queryRunner.query(`DROP TABLE "webhook_event"`);
    await queryRunner.query(`DROP INDEX "public"."webhook_endpoint_account_idx"`);
    await queryRunner.query(`DROP TABLE "webhook_endpoint"`);
  }
}
