// Validates the OpenAPI document read from standard input (@seriousme/openapi-schema-validator,
// an ES module that Jest's CommonJS runtime cannot load) and prints the result as JSON.
import { Validator } from '@seriousme/openapi-schema-validator';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const validator = new Validator();
const result = await validator.validate(JSON.parse(input));
process.stdout.write(JSON.stringify({ ...result, version: validator.version }));
