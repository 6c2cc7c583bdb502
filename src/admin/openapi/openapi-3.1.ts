import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * The schemas of an OpenAPI 3.0 document written the OpenAPI 3.1 way (JSON Schema 2020-12), where
 * `nullable` means nothing: `{type: T, nullable: true}` becomes `{type: [T, "null"]}`, and a
 * nullable schema without a type (a `$ref`, an `allOf`) one of itself or null. @nestjs/swagger
 * writes 3.0 schemas whichever version the document names.
 */
export function withOpenApi31Schemas(document: OpenAPIObject): OpenAPIObject {
  return { ...(rewrite(document) as OpenAPIObject), openapi: '3.1.0' };
}

function rewrite(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewrite);
  if (value === null || typeof value !== 'object') return value;
  const { nullable, ...rest } = value as Record<string, unknown>;
  // The keyword is a boolean; a property named `nullable` is a schema object, and stays.
  const keyword = typeof nullable === 'boolean';
  const schema = Object.fromEntries(Object.entries(keyword ? rest : value).map(([key, v]) => [key, rewrite(v)]));
  if (!keyword || !nullable) return schema;
  if (typeof schema.type === 'string') {
    const enumerated = Array.isArray(schema.enum) ? { enum: [...schema.enum, null] } : {};
    return { ...schema, type: [schema.type, 'null'], ...enumerated };
  }
  return { anyOf: [schema, { type: 'null' }] };
}
