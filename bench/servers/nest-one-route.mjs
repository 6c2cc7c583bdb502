// The floor of the framework: a Nest app on Fastify with one controller and one route answering
// the same fixed JSON as the ceiling, as a developer would write it, with nothing else: no
// logging, no security headers, no guards, no database. Every endpoint of the provider pays at
// least this; the light ones (JWKS, discovery) are measured against it.
import 'reflect-metadata';
import common from '@nestjs/common';
import core from '@nestjs/core';
import platformFastify from '@nestjs/platform-fastify';
import { FIXED_JSON } from './fixed-json.mjs';

const { Controller, Get, Module } = common;

class FixedJsonController {
  answer() {
    return FIXED_JSON;
  }
}
// The decorators a TypeScript controller would carry, applied by hand in plain JavaScript.
Get()(FixedJsonController.prototype, 'answer', Object.getOwnPropertyDescriptor(FixedJsonController.prototype, 'answer'));
Controller()(FixedJsonController);

class AppModule {}
Module({ controllers: [FixedJsonController] })(AppModule);

const app = await core.NestFactory.create(AppModule, new platformFastify.FastifyAdapter(), { logger: false });
process.on('disconnect', () => process.exit(0));
await app.listen(Number(process.env.PORT), '127.0.0.1');
process.send?.({ type: 'ready' });
