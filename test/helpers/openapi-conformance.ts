import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { Response } from 'supertest';

/** Where the document's `#/components/schemas/...` live once handed to ajv. */
const COMPONENTS_ID = 'openapi-components';

/** An operation of the document: its method, its path template as a pattern, and its responses. */
interface Operation {
  label: string;
  method: string;
  pattern: RegExp;
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
}

interface Checker {
  operations: Operation[];
  validators: Map<string, ValidateFunction>;
  ajv: Ajv2020;
}

const checkers = new WeakMap<OpenAPIObject, Checker>();

/**
 * A schema as ajv checks an answer: `$ref`s into the document's components, and every object
 * with declared properties closed (`unevaluatedProperties: false`), so that a field the document
 * does not name, such as a secret in a listing, fails the check as a missing one does.
 */
function forAjv(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(forAjv);
  if (schema === null || typeof schema !== 'object') return schema;
  const out = Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string'
        ? value.replace('#/components/schemas/', `${COMPONENTS_ID}#/$defs/`)
        : key === 'properties'
          ? Object.fromEntries(Object.entries(value as object).map(([name, s]) => [name, forAjv(s)]))
          : forAjv(value),
    ]),
  );
  return 'properties' in out ? { unevaluatedProperties: false, ...out } : out;
}

function checkerFor(document: OpenAPIObject): Checker {
  const known = checkers.get(document);
  if (known) return known;
  // OpenAPI 3.1 schemas are JSON Schema 2020-12, plus a few annotations of OpenAPI's own.
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  ajv.addVocabulary(['example', 'discriminator', 'xml', 'externalDocs']);
  ajv.addSchema({ $id: COMPONENTS_ID, $defs: forAjv(document.components?.schemas ?? {}) });
  const operations = Object.entries(document.paths).flatMap(([template, item]) =>
    Object.entries(item as Record<string, { responses?: Operation['responses'] }>)
      .filter(([, operation]) => operation?.responses)
      .map(([method, operation]) => ({
        label: `${method.toUpperCase()} ${template}`,
        method,
        pattern: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
        responses: operation.responses!,
      })),
  );
  const checker = { operations, validators: new Map(), ajv };
  checkers.set(document, checker);
  return checker;
}

/**
 * Checks an answer of the admin API against the OpenAPI document: the operation its method and
 * path name must be documented when the answer is a success, the status must be one the operation
 * lists (or its `default`), and the body must match that response's JSON schema (none for a 204).
 * Throws what is wrong, naming the operation and the status.
 */
export function expectConformingAnswer(
  document: OpenAPIObject,
  method: string,
  url: string,
  status: number,
  body: unknown,
  contentType: string | undefined,
): void {
  const checker = checkerFor(document);
  const path = url.split('?')[0];
  const operation = checker.operations.find((o) => o.method === method.toLowerCase() && o.pattern.test(path));
  if (!operation) {
    if (status < 400)
      throw new Error(`${method.toUpperCase()} ${path} answered ${status}, but the document has no such operation`);
    return;
  }
  const key = String(status) in operation.responses ? String(status) : 'default';
  const response = operation.responses[key];
  if (!response) throw new Error(`${operation.label} answered ${status}, which the document does not list`);
  const schema = response.content?.['application/json']?.schema;
  if (!schema) {
    if (body !== undefined && body !== '' && !(typeof body === 'object' && body && Object.keys(body).length === 0)) {
      throw new Error(`${operation.label} answered ${status} with a body the document does not describe`);
    }
    return;
  }
  if (!contentType?.startsWith('application/json')) {
    throw new Error(`${operation.label} answered ${status} as ${contentType}, not application/json`);
  }
  const id = `${operation.label} ${key}`;
  let validate = checker.validators.get(id);
  if (!validate) {
    validate = checker.ajv.compile(forAjv(schema) as object);
    checker.validators.set(id, validate);
  }
  if (!validate(body)) {
    throw new Error(
      `${operation.label} answered ${status} with a body its schema refuses: ${checker.ajv.errorsText(validate.errors)}`,
    );
  }
}

/** expectConformingAnswer for a supertest answer, as `.expect()` runs it. */
export function conformsTo(document: OpenAPIObject, method: string, url: string) {
  return (res: Response): void =>
    expectConformingAnswer(document, method, url, res.status, res.body, res.headers['content-type']);
}
