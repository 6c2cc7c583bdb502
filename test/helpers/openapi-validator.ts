import { execFile } from 'node:child_process';
import { join } from 'node:path';

export interface OpenApiValidation {
  valid: boolean;
  /** The OpenAPI version the validator read the document as ("3.1"). */
  version?: string;
  errors?: unknown;
}

/** What @seriousme/openapi-schema-validator says of `document` (in a child process: the validator is an ES module). */
export function validateOpenApi(document: object): Promise<OpenApiValidation> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [join(__dirname, 'validate-openapi.mjs')],
      { timeout: 20_000 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    );
    child.stdin!.end(JSON.stringify(document));
  });
}
