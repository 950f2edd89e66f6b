import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { packageFile } from './repo-files.js';

/**
 * The Compose Specification's JSON schema as the dclint package ships it (its copy of the
 * compose-spec repository's `schema/compose-spec.json`), compiled with Ajv. Nothing is
 * downloaded: the schema is part of the installed dev dependency.
 */
export function composeSpecValidator(): ValidateFunction {
  const schema = JSON.parse(
    readFileSync(packageFile('dclint', 'schemas', 'compose.schema.json'), 'utf8'),
  ) as {
    $schema?: string;
    title?: string;
  };
  if (schema.title !== 'Compose Specification') throw new Error('dclint no longer ships the Compose schema');
  // Its `$schema` names draft-07 by an https URL Ajv does not know as an alias; Ajv's default
  // dialect is draft-07 already. `strict: false` only tolerates the annotation keyword
  // `deprecated`; it does not loosen validation of the data.
  delete schema.$schema;
  return new Ajv({ allErrors: true, strict: false }).compile(schema);
}

export function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`).join('\n');
}
