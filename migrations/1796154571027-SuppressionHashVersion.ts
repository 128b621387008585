/**
 * Suppression records become HMACs keyed with SECRET_KEY. Existing rows are marked version 1 (unkeyed SHA-256): the
 * key is not known to SQL, so the service re-keys them at start (SuppressionRekeying) from their stored hash alone.
 */
import { MigrationInterface, QueryRunner } from 'typeorm';

export class SuppressionHashVersion1796154571027 implements MigrationInterface {
  name = 'SuppressionHashVersion1796154571027';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "suppression" ADD "hash_version" smallint NOT NULL DEFAULT '1'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "suppression" DROP COLUMN "hash_version"`);
  }
}
