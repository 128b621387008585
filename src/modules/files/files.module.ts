import { Module } from '@nestjs/common';
import { StoredFilesRepository } from './stored-files.repository';
import { StoredFilesService } from './stored-files.service';

@Module({
  providers: [StoredFilesRepository, StoredFilesService],
  exports: [StoredFilesService],
})
export class FilesModule {}
