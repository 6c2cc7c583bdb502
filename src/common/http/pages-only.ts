import type { FastifyInstance, FastifyPluginCallback, FastifyPluginOptions, FastifyRequest } from 'fastify';

/** A route that renders pages a person sees: marked `@RouteConfig({ page: true })`. */
export function isPageRoute(request: FastifyRequest): boolean {
  return (request.routeOptions?.config as { page?: boolean } | undefined)?.page === true;
}

type Hook = (this: unknown, ...args: unknown[]) => unknown;

/**
 * A Fastify plugin whose request hooks run on page routes only; on every other route they are
 * passed over. For @fastify/session: only pages (login, consent, logout) use the session, while
 * a session object made, hashed and signed for every API request cost the token, JWKS and
 * discovery endpoints a quarter of their CPU, and a browser's cookie would even have made them
 * read and rewrite its session row.
 */
export function onPagesOnly<Options extends FastifyPluginOptions>(
  plugin: FastifyPluginCallback<Options>,
): FastifyPluginCallback<Options> {
  const wrapped: FastifyPluginCallback<Options> = (instance, options, done) => {
    const addHook = (name: string, hook: Hook) => {
      // Callback-style hooks end with `done`; onSend's passes the payload on unchanged.
      const skip = function (this: unknown, ...args: unknown[]) {
        if (isPageRoute(args[0] as FastifyRequest)) return hook.apply(this, args);
        (args[args.length - 1] as () => void)();
      };
      Object.defineProperty(skip, 'length', { value: hook.length });
      return instance.addHook(name as never, skip as never);
    };
    const scoped = new Proxy(instance, {
      get: (target, property) => {
        if (property === 'addHook') return addHook;
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? (value as Hook).bind(target) : value;
      },
    }) as FastifyInstance;
    plugin.call(scoped, scoped, options, done);
  };
  // The wrapper takes the plugin's place among the app's plugins (fastify-plugin's markers: no encapsulation, its name).
  for (const symbol of Object.getOwnPropertySymbols(plugin)) {
    (wrapped as unknown as Record<symbol, unknown>)[symbol] = (plugin as unknown as Record<symbol, unknown>)[symbol];
  }
  return wrapped;
}
