import { Injectable } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * The admin API's OpenAPI document, built once at start-up (publishAdminApiDocument, called by
 * configureApp once every controller is known) and served as it is from then on.
 */
@Injectable()
export class AdminApiDocument {
  private document?: OpenAPIObject;

  publish(document: OpenAPIObject): void {
    this.document = document;
  }

  get(): OpenAPIObject {
    if (!this.document) throw new Error('the admin API document was not built at start-up');
    return this.document;
  }
}
