import handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The pieces every console view shares (views/console/_*.hbs), as Handlebars partials: `{{> console-nav}}`. */
export function registerConsolePartials(): void {
  for (const name of ['nav', 'password', 'pager', 'client-fields', 'api-fields']) {
    const file = join(__dirname, '..', 'views', 'console', `_${name}.hbs`);
    handlebars.registerPartial(`console-${name}`, readFileSync(file, 'utf8'));
  }
}
