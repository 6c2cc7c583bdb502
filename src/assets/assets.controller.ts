import { Controller, Get, Header } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const STYLESHEET = readFileSync(join(__dirname, '..', 'views', 'provider.css'), 'utf8');
const CONSOLE_SCRIPT = readFileSync(join(__dirname, '..', 'views', 'console.js'), 'utf8');
const ICON = readFileSync(join(__dirname, '..', 'views', 'icon.svg'), 'utf8');

/** The pages' one stylesheet, served by the provider itself (no CDN). */
@Controller('assets')
export class AssetsController {
  @Get('provider.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=3600')
  stylesheet() {
    return STYLESHEET;
  }

  /** The pages' icon, declared by the layout (browsers would otherwise ask for a missing /favicon.ico). */
  @Get('icon.svg')
  @Header('Content-Type', 'image/svg+xml')
  @Header('Cache-Control', 'public, max-age=3600')
  icon() {
    return ICON;
  }

  /** The admin console's progressive enhancement (a copy button); the CSP allows scripts from here only. */
  @Get('console.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=3600')
  consoleScript() {
    return CONSOLE_SCRIPT;
  }
}
