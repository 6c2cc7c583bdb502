import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AdminModule } from '../admin.module';
import { AdminApiDocument } from './admin-api-document';
import { ADMIN_BEARER } from './admin-api-responses';
import { withOpenApi31Schemas } from './openapi-3.1';

/**
 * Builds the admin API's OpenAPI document from the admin controllers and the classes they
 * name (request DTOs, views), once, and hands it to the route that serves it. Only AdminModule's
 * routes: the OAuth endpoints have their own standards, the console is pages.
 */
export function publishAdminApiDocument(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Administration API')
    .setDescription(
      'Clients, users (their grants and browser sessions), APIs and the audit trail. Every route takes a bearer ' +
        'access token of this provider with the `admin` scope; errors carry `error` and `error_description` ' +
        '(RFC 6749 §5.2), and no answer may be cached.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, ADMIN_BEARER)
    .build();
  const document = SwaggerModule.createDocument(app, config, { include: [AdminModule] });
  app.get(AdminApiDocument).publish(withOpenApi31Schemas(document));
}
