import { MigrationInterface, QueryRunner } from 'typeorm';

/** Scheduled SFTP automation (SPEC §9): connections, saved mappings, schedules, their runs and file claims. */
export class Scheduler1796154819764 implements MigrationInterface {
  name = 'Scheduler1796154819764';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "sftp_connection" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "account_id" uuid NOT NULL, "name" text NOT NULL, "host" text NOT NULL, "port" integer NOT NULL, "username" text NOT NULL, "auth_method" text NOT NULL, "secret" text NOT NULL, "host_key" text NOT NULL, "host_key_fingerprint" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b6874c51e96e46dcf623c01e7f8" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "sftp_connection_account_name_key" ON "sftp_connection" ("account_id", "name") `,
    );
    await queryRunner.query(
      `CREATE TABLE "saved_mapping" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "account_id" uuid NOT NULL, "name" text NOT NULL, "source_import_id" bigint NOT NULL, "settings" jsonb NOT NULL, "consent" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a3d84abab5c87001f3aaccb6cd2" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "saved_mapping_account_name_key" ON "saved_mapping" ("account_id", "name") `,
    );
    await queryRunner.query(
      `CREATE TABLE "schedule" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "account_id" uuid NOT NULL, "name" text NOT NULL, "kind" text NOT NULL, "connection_id" bigint NOT NULL, "cron" text NOT NULL, "timezone" text NOT NULL, "enabled" boolean NOT NULL DEFAULT true, "next_run_at" TIMESTAMP WITH TIME ZONE, "remote_directory" text NOT NULL, "file_pattern" text, "completion" text, "after_import" text, "mapping_id" bigint, "file_name_template" text, "export_definition" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1c05e42aec7371641193e180046" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "schedule_account_idx" ON "schedule" ("account_id", "id") `);
    await queryRunner.query(`CREATE INDEX "schedule_due_idx" ON "schedule" ("next_run_at") WHERE enabled`);
    await queryRunner.query(
      `CREATE TABLE "schedule_run" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "account_id" uuid NOT NULL, "schedule_id" bigint NOT NULL, "trigger" text NOT NULL, "tick_at" TIMESTAMP WITH TIME ZONE, "status" text NOT NULL DEFAULT 'queued', "failure" text, "files_seen" integer NOT NULL DEFAULT '0', "files_taken" integer NOT NULL DEFAULT '0', "files" jsonb NOT NULL DEFAULT '[]', "import_ids" jsonb NOT NULL DEFAULT '[]', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, "heartbeat_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_bc6d25bc1a55e78bc06d3a4e2c6" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "schedule_run_history_idx" ON "schedule_run" ("account_id", "schedule_id", "id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "schedule_run_tick_key" ON "schedule_run" ("schedule_id", "tick_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "schedule_file" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "account_id" uuid NOT NULL, "schedule_id" bigint NOT NULL, "path" text NOT NULL, "size" bigint NOT NULL, "modified_at" TIMESTAMP WITH TIME ZONE NOT NULL, "content_hash" text, "status" text NOT NULL, "run_id" bigint NOT NULL, "import_id" bigint, "claimed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9ceb66aef66f0df14b6a7ccc3e6" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "schedule_file_content_key" ON "schedule_file" ("schedule_id", "content_hash") WHERE content_hash IS NOT NULL AND status IN ('claimed', 'imported')`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "schedule_file_claim_key" ON "schedule_file" ("schedule_id", "path", "size", "modified_at") `,
    );
    await queryRunner.query(
      `ALTER TABLE "sftp_connection" ADD CONSTRAINT "FK_c97f15ea439507afd3efc19cd9e" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "saved_mapping" ADD CONSTRAINT "FK_128d414eeced493b0eb9ef1dc11" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "schedule" ADD CONSTRAINT "FK_784f166d3b87ed24d0bf9dd894c" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "schedule" ADD CONSTRAINT "FK_8aed0fa53083ecc18cccd66cb37" FOREIGN KEY ("connection_id") REFERENCES "sftp_connection"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "schedule" ADD CONSTRAINT "FK_115fda9a7cf539d4a70f163e04c" FOREIGN KEY ("mapping_id") REFERENCES "saved_mapping"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "schedule_run" ADD CONSTRAINT "FK_0bf7fa2898528a10f1941f24439" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "schedule_run" ADD CONSTRAINT "FK_f949c886d55ff9c60ce45029bf9" FOREIGN KEY ("schedule_id") REFERENCES "schedule"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "schedule_file" ADD CONSTRAINT "FK_ecccd3b510bba160695d8dcf7bc" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "schedule_file" ADD CONSTRAINT "FK_41d407a3b8bca7e08c1135d6640" FOREIGN KEY ("schedule_id") REFERENCES "schedule"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "schedule_file" DROP CONSTRAINT "FK_41d407a3b8bca7e08c1135d6640"`);
    await queryRunner.query(`ALTER TABLE "schedule_file" DROP CONSTRAINT "FK_ecccd3b510bba160695d8dcf7bc"`);
    await queryRunner.query(`ALTER TABLE "schedule_run" DROP CONSTRAINT "FK_f949c886d55ff9c60ce45029bf9"`);
    await queryRunner.query(`ALTER TABLE "schedule_run" DROP CONSTRAINT "FK_0bf7fa2898528a10f1941f24439"`);
    await queryRunner.query(`ALTER TABLE "schedule" DROP CONSTRAINT "FK_115fda9a7cf539d4a70f163e04c"`);
    await queryRunner.query(`ALTER TABLE "schedule" DROP CONSTRAINT "FK_8aed0fa53083ecc18cccd66cb37"`);
    await queryRunner.query(`ALTER TABLE "schedule" DROP CONSTRAINT "FK_784f166d3b87ed24d0bf9dd894c"`);
    await queryRunner.query(`ALTER TABLE "saved_mapping" DROP CONSTRAINT "FK_128d414eeced493b0eb9ef1dc11"`);
    await queryRunner.query(`ALTER TABLE "sftp_connection" DROP CONSTRAINT "FK_c97f15ea439507afd3efc19cd9e"`);
    await queryRunner.query(`DROP INDEX "public"."schedule_file_claim_key"`);
    await queryRunner.query(`DROP INDEX "public"."schedule_file_content_key"`);
    await queryRunner.query(`DROP TABLE "schedule_file"`);
    await queryRunner.query(`DROP INDEX "public"."schedule_run_tick_key"`);
    await queryRunner.query(`DROP INDEX "public"."schedule_run_history_idx"`);
    await queryRunner.query(`DROP TABLE "schedule_run"`);
    await queryRunner.query(`DROP INDEX "public"."schedule_due_idx"`);
    await queryRunner.query(`DROP INDEX "public"."schedule_account_idx"`);
    await queryRunner.query(`DROP TABLE "schedule"`);
    await queryRunner.query(`DROP INDEX "public"."saved_mapping_account_name_key"`);
    await queryRunner.query(`DROP TABLE "saved_mapping"`);
    await queryRunner.query(`DROP INDEX "public"."sftp_connection_account_name_key"`);
    await queryRunner.query(`DROP TABLE "sftp_connection"`);
  }
}
