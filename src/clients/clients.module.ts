import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApisModule } from '../apis/apis.module';
import { ClientAuthenticationService } from './client-authentication.service';
import { ClientResolver } from './client-resolver';
import { ClientStore } from './client.store';
import { ClientsService } from './clients.service';
import { ClientEntity } from './entities/client.entity';
import { DocumentFetcher } from './metadata-documents/document-fetcher';
import { MetadataDocumentClients } from './metadata-documents/metadata-document-clients.service';

/**
 * ClientAuthGuard is not a provider here: each controller that uses it builds it in its own module,
 * with the rate limits (RateLimitModule) the server has and the administration CLI does not.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ClientEntity]), ApisModule],
  providers: [
    ClientsService,
    ClientStore,
    ClientAuthenticationService,
    ClientResolver,
    DocumentFetcher,
    MetadataDocumentClients,
  ],
  exports: [ClientsService, ClientAuthenticationService, ClientResolver],
})
export class ClientsModule {}
