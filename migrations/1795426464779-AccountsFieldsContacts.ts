/** Accounts, custom fields and list values, contacts, groups, history and suppression. */
import { MigrationInterface, QueryRunner } from 'typeorm';

export class AccountsFieldsContacts1795426464779 implements MigrationInterface {
  name = 'AccountsFieldsContacts1795426464779';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "account" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "login" text NOT NULL, "api_key_hash" text NOT NULL, "uniqueness_key" text NOT NULL DEFAULT 'email', "default_country" text NOT NULL DEFAULT 'FR', "allow_duplicates" boolean NOT NULL DEFAULT false, "timezone" text NOT NULL DEFAULT 'Europe/Paris', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_54115ee388cdb6d86bb4bf5b2ea" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "account_login_key" ON "account" ("login") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "account_api_key_hash_key" ON "account" ("api_key_hash") `);
    await queryRunner.query(
      `CREATE TABLE "suppression" ("account_id" uuid NOT NULL, "channel" text NOT NULL, "key_hash" text NOT NULL, "opt_in" text, "status" text, "reason" text, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9137f844c2b30bafc887324630b" PRIMARY KEY ("account_id", "channel", "key_hash"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "contact" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "account_id" uuid NOT NULL, "unique_key" text, "salutation" text, "firstname" text, "lastname" text, "companyname" text, "jobtitle" text, "email" text, "email_optin" text, "email_unsubscription_date" TIMESTAMP WITH TIME ZONE, "email_unsubscription_reason" text, "email_status" text NOT NULL DEFAULT 'unknown', "email_status_date" TIMESTAMP WITH TIME ZONE, "email_status_detail" text, "mobile" text, "mobile_optin" text, "mobile_unsubscription_date" TIMESTAMP WITH TIME ZONE, "mobile_unsubscription_reason" text, "mobile_status" text NOT NULL DEFAULT 'unknown', "mobile_status_date" TIMESTAMP WITH TIME ZONE, "mobile_status_detail" text, "phone" text, "fax" text, "address1" text, "address2" text, "zipcode" text, "city" text, "country" text, "birthdate" date, "email_optin_partners" boolean, "mobile_optin_partners" boolean, "type" text, "last_engaged_at" TIMESTAMP WITH TIME ZONE, "comments" text, "source" text, "fields" jsonb NOT NULL DEFAULT '{}'::jsonb, "created_by_import_id" bigint, "updated_by_import_id" bigint, "anonymised_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2cbbe00f59ab6b3bb5b8d19f989" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "contact_account_updated_idx" ON "contact" ("account_id", "updated_at", "id") `,
    );
    await queryRunner.query(`CREATE INDEX "contact_account_id_idx" ON "contact" ("account_id", "id") `);
    await queryRunner.query(`CREATE INDEX "contact_account_mobile_idx" ON "contact" ("account_id", "mobile") `);
    await queryRunner.query(`CREATE INDEX "contact_account_email_idx" ON "contact" ("account_id", "email") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "contact_account_unique_key" ON "contact" ("account_id", "unique_key") `,
    );
    // Custom values: containment and key-existence queries (segments) use this index.
    await queryRunner.query(`CREATE INDEX "contact_fields_gin" ON "contact" USING gin ("fields" jsonb_path_ops)`);
    await queryRunner.query(
      `CREATE TABLE "contact_group" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "account_id" uuid NOT NULL, "name" text NOT NULL, "name_key" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c951447393a9f21eb120de84e32" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "contact_group_account_name_key" ON "contact_group" ("account_id", "name_key") `,
    );
    await queryRunner.query(
      `CREATE TABLE "group_member" ("group_id" bigint NOT NULL, "contact_id" bigint NOT NULL, "account_id" uuid NOT NULL, "added_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_68ed659267a2a3dfb5be6b79da5" PRIMARY KEY ("group_id", "contact_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "group_member_contact_idx" ON "group_member" ("contact_id") `);
    await queryRunner.query(
      `CREATE TABLE "custom_field" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "account_id" uuid NOT NULL, "name" text NOT NULL, "name_key" text NOT NULL, "description" text NOT NULL DEFAULT '', "format" text NOT NULL, "options" text NOT NULL DEFAULT '', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_70c7eb2dfb5b81c051a6ba3ace8" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "custom_field_account_name_key" ON "custom_field" ("account_id", "name_key") `,
    );
    await queryRunner.query(
      `CREATE TABLE "field_value" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "account_id" uuid NOT NULL, "field_id" bigint NOT NULL, "text" text NOT NULL, "text_key" text NOT NULL, "position" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_90d054f78dfc9598eedbd843844" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "field_value_account_idx" ON "field_value" ("account_id") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "field_value_field_text_key" ON "field_value" ("field_id", "text_key") `,
    );
    await queryRunner.query(`CREATE INDEX "field_value_field_position_idx" ON "field_value" ("field_id", "position") `);
    await queryRunner.query(
      `CREATE TABLE "contact_history" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "account_id" uuid NOT NULL, "contact_id" bigint NOT NULL, "type" text NOT NULL, "object" text NOT NULL, "title" text NOT NULL, "source" text NOT NULL, "operation_id" bigint, "happened_at" TIMESTAMP WITH TIME ZONE NOT NULL, "logged_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_68d75ef80ec536aee6b570ebaa6" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "contact_history_contact_idx" ON "contact_history" ("account_id", "contact_id", "id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "suppression" ADD CONSTRAINT "FK_e8192c185810521c19193eb4d21" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "contact" ADD CONSTRAINT "FK_6b3555c0d3d0f0d0b6887b5308b" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "contact_group" ADD CONSTRAINT "FK_af471393029fb0af60e776c5936" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "group_member" ADD CONSTRAINT "FK_e200cd6ff3e3903c5be5ae1400e" FOREIGN KEY ("group_id") REFERENCES "contact_group"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "group_member" ADD CONSTRAINT "FK_c26c27b02ef00957f6129e67db6" FOREIGN KEY ("contact_id") REFERENCES "contact"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "custom_field" ADD CONSTRAINT "FK_a935d5a82b9a9a00baa99905066" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "field_value" ADD CONSTRAINT "FK_6bbac0ea445c0d32ab23c22ae25" FOREIGN KEY ("field_id") REFERENCES "custom_field"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "contact_history" ADD CONSTRAINT "FK_b85eaa6d13a8452394b43ce74bf" FOREIGN KEY ("contact_id") REFERENCES "contact"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "contact_history" DROP CONSTRAINT "FK_b85eaa6d13a8452394b43ce74bf"`);
    await queryRunner.query(`ALTER TABLE "field_value" DROP CONSTRAINT "FK_6bbac0ea445c0d32ab23c22ae25"`);
    await queryRunner.query(`ALTER TABLE "custom_field" DROP CONSTRAINT "FK_a935d5a82b9a9a00baa99905066"`);
    await queryRunner.query(`ALTER TABLE "group_member" DROP CONSTRAINT "FK_c26c27b02ef00957f6129e67db6"`);
    await queryRunner.query(`ALTER TABLE "group_member" DROP CONSTRAINT "FK_e200cd6ff3e3903c5be5ae1400e"`);
    await queryRunner.query(`ALTER TABLE "contact_group" DROP CONSTRAINT "FK_af471393029fb0af60e776c5936"`);
    await queryRunner.query(`ALTER TABLE "contact" DROP CONSTRAINT "FK_6b3555c0d3d0f0d0b6887b5308b"`);
    await queryRunner.query(`ALTER TABLE "suppression" DROP CONSTRAINT "FK_e8192c185810521c19193eb4d21"`);
    await queryRunner.query(`DROP INDEX "public"."contact_history_contact_idx"`);
    await queryRunner.query(`DROP TABLE "contact_history"`);
    await queryRunner.query(`DROP INDEX "public"."field_value_field_position_idx"`);
    await queryRunner.query(`DROP INDEX "public"."field_value_field_text_key"`);
    await queryRunner.query(`DROP INDEX "public"."field_value_account_idx"`);
    await queryRunner.query(`DROP TABLE "field_value"`);
    await queryRunner.query(`DROP INDEX "public"."custom_field_account_name_key"`);
    await queryRunner.query(`DROP TABLE "custom_field"`);
    await queryRunner.query(`DROP INDEX "public"."group_member_contact_idx"`);
    await queryRunner.query(`DROP TABLE "group_member"`);
    await queryRunner.query(`DROP INDEX "public"."contact_group_account_name_key"`);
    await queryRunner.query(`DROP TABLE "contact_group"`);
    await queryRunner.query(`DROP INDEX "public"."contact_account_unique_key"`);
    await queryRunner.query(`DROP INDEX "public"."contact_account_email_idx"`);
    await queryRunner.query(`DROP INDEX "public"."contact_account_mobile_idx"`);
    await queryRunner.query(`DROP INDEX "public"."contact_account_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."contact_account_updated_idx"`);
    await queryRunner.query(`DROP INDEX "public"."contact_fields_gin"`);
    await queryRunner.query(`DROP TABLE "contact"`);
    await queryRunner.query(`DROP TABLE "suppression"`);
    await queryRunner.query(`DROP INDEX "public"."account_api_key_hash_key"`);
    await queryRunner.query(`DROP INDEX "public"."account_login_key"`);
    await queryRunner.query(`DROP TABLE "account"`);
  }
}
