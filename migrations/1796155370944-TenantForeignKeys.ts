/**
 * A child row can only point at a parent of its own account: value → field, membership → group and contact,
 * rejection → operation reference (account_id, id), which each parent now declares unique. Rows that broke the
 * rule (none should exist: every write filters on the account) are removed first, or the keys could not be added.
 * Also a partial index on the operations waiting or running, for the sweeper and the uniqueness key change.
 */
import { MigrationInterface, QueryRunner } from 'typeorm';

export class TenantForeignKeys1796155370944 implements MigrationInterface {
  name = 'TenantForeignKeys1796155370944';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DELETE FROM "field_value" v USING "custom_field" f WHERE f.id = v.field_id AND f.account_id <> v.account_id`,
    );
    await queryRunner.query(
      `DELETE FROM "group_member" m USING "contact_group" g WHERE g.id = m.group_id AND g.account_id <> m.account_id`,
    );
    await queryRunner.query(
      `DELETE FROM "group_member" m USING "contact" c WHERE c.id = m.contact_id AND c.account_id <> m.account_id`,
    );
    await queryRunner.query(
      `DELETE FROM "import_rejection" r USING "import_operation" o WHERE o.id = r.operation_id AND o.account_id <> r.account_id`,
    );
    await queryRunner.query(`ALTER TABLE "import_rejection" DROP CONSTRAINT "FK_3593c1e65b181c7917adc6aed16"`);
    await queryRunner.query(`ALTER TABLE "field_value" DROP CONSTRAINT "FK_6bbac0ea445c0d32ab23c22ae25"`);
    await queryRunner.query(`ALTER TABLE "group_member" DROP CONSTRAINT "FK_e200cd6ff3e3903c5be5ae1400e"`);
    await queryRunner.query(`ALTER TABLE "group_member" DROP CONSTRAINT "FK_c26c27b02ef00957f6129e67db6"`);
    await queryRunner.query(`DROP INDEX "public"."contact_account_id_idx"`);
    await queryRunner.query(
      `CREATE INDEX "import_operation_active_idx" ON "import_operation" ("account_id", "id") WHERE status IN ('pending', 'running')`,
    );
    await queryRunner.query(
      `ALTER TABLE "import_operation" ADD CONSTRAINT "import_operation_account_id_key" UNIQUE ("account_id", "id")`,
    );
    await queryRunner.query(
      `ALTER TABLE "custom_field" ADD CONSTRAINT "custom_field_account_id_key" UNIQUE ("account_id", "id")`,
    );
    await queryRunner.query(
      `ALTER TABLE "contact" ADD CONSTRAINT "contact_account_id_key" UNIQUE ("account_id", "id")`,
    );
    await queryRunner.query(
      `ALTER TABLE "contact_group" ADD CONSTRAINT "contact_group_account_id_key" UNIQUE ("account_id", "id")`,
    );
    await queryRunner.query(
      `ALTER TABLE "import_rejection" ADD CONSTRAINT "import_rejection_operation_fkey" FOREIGN KEY ("account_id", "operation_id") REFERENCES "import_operation"("account_id","id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "field_value" ADD CONSTRAINT "field_value_field_fkey" FOREIGN KEY ("account_id", "field_id") REFERENCES "custom_field"("account_id","id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "group_member" ADD CONSTRAINT "group_member_group_fkey" FOREIGN KEY ("account_id", "group_id") REFERENCES "contact_group"("account_id","id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "group_member" ADD CONSTRAINT "group_member_contact_fkey" FOREIGN KEY ("account_id", "contact_id") REFERENCES "contact"("account_id","id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "group_member" DROP CONSTRAINT "group_member_contact_fkey"`);
    await queryRunner.query(`ALTER TABLE "group_member" DROP CONSTRAINT "group_member_group_fkey"`);
    await queryRunner.query(`ALTER TABLE "field_value" DROP CONSTRAINT "field_value_field_fkey"`);
    await queryRunner.query(`ALTER TABLE "import_rejection" DROP CONSTRAINT "import_rejection_operation_fkey"`);
    await queryRunner.query(`ALTER TABLE "contact_group" DROP CONSTRAINT "contact_group_account_id_key"`);
    await queryRunner.query(`ALTER TABLE "contact" DROP CONSTRAINT "contact_account_id_key"`);
    await queryRunner.query(`ALTER TABLE "custom_field" DROP CONSTRAINT "custom_field_account_id_key"`);
    await queryRunner.query(`ALTER TABLE "import_operation" DROP CONSTRAINT "import_operation_account_id_key"`);
    await queryRunner.query(`DROP INDEX "public"."import_operation_active_idx"`);
    await queryRunner.query(`CREATE INDEX "contact_account_id_idx" ON "contact" ("account_id", "id") `);
    await queryRunner.query(
      `ALTER TABLE "group_member" ADD CONSTRAINT "FK_c26c27b02ef00957f6129e67db6" FOREIGN KEY ("contact_id") REFERENCES "contact"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "group_member" ADD CONSTRAINT "FK_e200cd6ff3e3903c5be5ae1400e" FOREIGN KEY ("group_id") REFERENCES "contact_group"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "field_value" ADD CONSTRAINT "FK_6bbac0ea445c0d32ab23c22ae25" FOREIGN KEY ("field_id") REFERENCES "custom_field"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "import_rejection" ADD CONSTRAINT "FK_3593c1e65b181c7917adc6aed16" FOREIGN KEY ("operation_id") REFERENCES "import_operation"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }
}
