/** Imports and purges: operations, their rejected rows, drafts of the guided flow, stored files. */
import { MigrationInterface, QueryRunner } from 'typeorm';

export class Imports1795435555794 implements MigrationInterface {
  name = 'Imports1795435555794';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "stored_file" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "account_id" uuid NOT NULL, "name" text NOT NULL, "size" bigint NOT NULL, "sha256" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e140967af84027b493a3ff04fbb" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "stored_file_account_idx" ON "stored_file" ("account_id", "created_at") `);
    await queryRunner.query(
      `CREATE TABLE "stored_file_chunk" ("file_id" uuid NOT NULL, "seq" integer NOT NULL, "data" bytea NOT NULL, CONSTRAINT "PK_fdfa82f95421f9605be14a8961a" PRIMARY KEY ("file_id", "seq"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "import_operation" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "account_id" uuid NOT NULL, "kind" text NOT NULL, "name" text NOT NULL, "status" text NOT NULL DEFAULT 'pending', "settings" jsonb NOT NULL, "file_id" uuid NOT NULL, "file_name" text NOT NULL, "file_hash" text NOT NULL, "consent" jsonb, "line_read" integer NOT NULL DEFAULT '0', "line_duplicate" integer NOT NULL DEFAULT '0', "line_add" integer NOT NULL DEFAULT '0', "line_update" integer NOT NULL DEFAULT '0', "line_error" integer NOT NULL DEFAULT '0', "line_kept_opt_out" integer NOT NULL DEFAULT '0', "line_delete" integer NOT NULL DEFAULT '0', "resume_line" integer NOT NULL DEFAULT '0', "total_lines" integer, "failure" text, "attempts" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, "heartbeat_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_343c514b1554198911cb1769abf" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "import_operation_account_kind_idx" ON "import_operation" ("account_id", "kind", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "import_rejection" ("operation_id" bigint NOT NULL, "line" integer NOT NULL, "account_id" uuid NOT NULL, "reasons" text NOT NULL, "cells" jsonb NOT NULL, CONSTRAINT "PK_bbeaffab84c836aaaa78925e554" PRIMARY KEY ("operation_id", "line"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "import_draft" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "account_id" uuid NOT NULL, "file_id" uuid NOT NULL, "file_name" text NOT NULL, "file_hash" text NOT NULL, "inspection" jsonb NOT NULL, "setup" jsonb, "corrections" jsonb NOT NULL DEFAULT '{}', "operation_id" bigint, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_dfee4bc0c6bc1418f8e19a254c2" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "import_draft_expiry_idx" ON "import_draft" ("expires_at") `);
    await queryRunner.query(`CREATE INDEX "import_draft_account_idx" ON "import_draft" ("account_id", "created_at") `);
    await queryRunner.query(
      `ALTER TABLE "stored_file" ADD CONSTRAINT "FK_aa412b360b572f1bf134b10c4e3" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "stored_file_chunk" ADD CONSTRAINT "FK_7b58a1b6fa1b223600f28cc563a" FOREIGN KEY ("file_id") REFERENCES "stored_file"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "import_operation" ADD CONSTRAINT "FK_1d191c566e8bc5a49e62ff38523" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "import_rejection" ADD CONSTRAINT "FK_3593c1e65b181c7917adc6aed16" FOREIGN KEY ("operation_id") REFERENCES "import_operation"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "import_draft" ADD CONSTRAINT "FK_98a5e9274730657127f92aecde3" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "import_draft" DROP CONSTRAINT "FK_98a5e9274730657127f92aecde3"`);
    await queryRunner.query(`ALTER TABLE "import_rejection" DROP CONSTRAINT "FK_3593c1e65b181c7917adc6aed16"`);
    await queryRunner.query(`ALTER TABLE "import_operation" DROP CONSTRAINT "FK_1d191c566e8bc5a49e62ff38523"`);
    await queryRunner.query(`ALTER TABLE "stored_file_chunk" DROP CONSTRAINT "FK_7b58a1b6fa1b223600f28cc563a"`);
    await queryRunner.query(`ALTER TABLE "stored_file" DROP CONSTRAINT "FK_aa412b360b572f1bf134b10c4e3"`);
    await queryRunner.query(`DROP INDEX "public"."import_draft_account_idx"`);
    await queryRunner.query(`DROP INDEX "public"."import_draft_expiry_idx"`);
    await queryRunner.query(`DROP TABLE "import_draft"`);
    await queryRunner.query(`DROP TABLE "import_rejection"`);
    await queryRunner.query(`DROP INDEX "public"."import_operation_account_kind_idx"`);
    await queryRunner.query(`DROP TABLE "import_operation"`);
    await queryRunner.query(`DROP TABLE "stored_file_chunk"`);
    await queryRunner.query(`DROP INDEX "public"."stored_file_account_idx"`);
    await queryRunner.query(`DROP TABLE "stored_file"`);
  }
}
