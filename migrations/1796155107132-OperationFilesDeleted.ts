/** FILE_RETENTION_DAYS: an operation remembers when its upload and error report were deleted (its counts stay). */
import { MigrationInterface, QueryRunner } from 'typeorm';

export class OperationFilesDeleted1796155107132 implements MigrationInterface {
  name = 'OperationFilesDeleted1796155107132';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "import_operation" ADD "files_deleted_at" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "import_operation" DROP COLUMN "files_deleted_at"`);
  }
}
