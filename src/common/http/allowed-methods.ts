import type { FastifyRequest, HTTPMethods } from 'fastify';

const METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * The methods the path of a request that matched no route does have routes for: when there
 * are any, the resource exists and the method is what is wrong. The path is matched as the
 * router matches it, parameters included (/admin/clients/:id).
 */
export function allowedMethods(request: FastifyRequest): HTTPMethods[] {
  const url = request.url.split('?', 1)[0];
  return METHODS.filter((method) => request.server.findRoute({ method, url }) !== null);
}
