import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';

/** The parts of an OpenAPI 3.1 document this check reads. */
interface MediaType {
  schema?: object;
}
interface Operation {
  parameters?: { name: string; in: string; schema?: object }[];
  requestBody?: { content?: Record<string, MediaType> };
  responses: Record<string, { content?: Record<string, MediaType> }>;
}
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, object> };
}

/** One REST exchange as the test client saw it. */
export interface Exchange {
  method: string;
  url: URL;
  /** The request body when it was JSON text. */
  requestBody?: string;
  status: number;
  contentType: string;
  body: string;
}

const DOCUMENT_ID = 'openapi';
const mediaType = (contentType: string): string => contentType.split(';')[0].trim().toLowerCase();
const describe = (errors: ErrorObject[] | null | undefined): string =>
  (errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`).join('; ');

/**
 * A gateway's OpenAPI document (`/docs-json`) as a judge of what the gateway answered: the
 * status must be one the operation documents, a body must match the schema documented for that
 * status and media type, and a request the gateway accepted (2xx) must match the request
 * schemas (query parameters and JSON body), so that the document is never stricter than the
 * server. Returns what does not hold, as sentences.
 */
export class RestDocument {
  private readonly ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
  private readonly compiled = new Map<object, ValidateFunction>();
  private readonly routes: { template: string; pattern: RegExp; literal: number }[];

  constructor(private readonly document: OpenApiDocument) {
    // Schemas refer to `#/components/schemas/X`: resolved inside the document, added once.
    this.ajv.addSchema({ $id: DOCUMENT_ID, components: document.components ?? {} });
    this.routes = Object.keys(document.paths).map((template) => ({
      template,
      pattern: new RegExp(
        `^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`,
      ),
      literal: template.replace(/\{[^}]+\}/g, '').length,
    }));
  }

  check(exchange: Exchange): string[] {
    const { method, url, status } = exchange;
    const what = `${method} ${url.pathname}${url.search} answered ${status}`;
    // The most literal template that matches (a fixed segment wins over a parameter).
    const route = this.routes
      .filter((candidate) => candidate.pattern.test(url.pathname))
      .sort((a, b) => b.literal - a.literal)[0];
    const operation = route && this.document.paths[route.template][method.toLowerCase()];
    // No such route or method: only Nest's 404 is a truthful answer.
    if (!operation) return status === 404 ? [] : [`${what}, but the document has no such operation`];
    const response = operation.responses[String(status)] ?? operation.responses['default'];
    if (!response) {
      const documented = Object.keys(operation.responses).join(', ');
      return [`${what}, a status the document does not list for it (it lists ${documented})`];
    }
    const problems: string[] = [];
    const contentType = mediaType(exchange.contentType);
    if (exchange.body !== '') {
      const documented = response.content?.[contentType];
      if (!documented) {
        const types = Object.keys(response.content ?? {}).join(', ') || 'no body';
        problems.push(`${what} with a ${contentType || 'typeless'} body; the document says ${types}`);
      } else if (documented.schema && contentType === 'application/json') {
        const ok = this.validator(documented.schema);
        if (!ok(JSON.parse(exchange.body)))
          problems.push(`${what}: the body does not match: ${describe(ok.errors)}`);
      }
    }
    if (status >= 200 && status < 300 && !partlyRefused(exchange))
      problems.push(...this.accepted(exchange, operation));
    return problems;
  }

  /** Whether the JSON request body schema of `method path` (a template) accepts `body`. */
  acceptsBody(method: string, template: string, body: unknown): boolean {
    const schema =
      this.document.paths[template]?.[method.toLowerCase()]?.requestBody?.content?.['application/json']
        ?.schema;
    if (!schema) throw new Error(`${method} ${template} documents no JSON body`);
    return this.validator(schema)(body);
  }

  /** What the gateway accepted must be something the document allows. */
  private accepted({ method, url, requestBody }: Exchange, operation: Operation): string[] {
    const problems: string[] = [];
    const what = `${method} ${url.pathname} was accepted`;
    const query = new Map(
      (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, p]),
    );
    for (const [name, value] of url.searchParams) {
      const parameter = query.get(name);
      if (!parameter)
        problems.push(`${what} with the query parameter ${name}, which the document does not list`);
      else if (value !== '' && parameter.schema && !this.validator(parameter.schema)(queryValue(value))) {
        problems.push(`${what} with ${name}=${value}, which its schema refuses`);
      }
    }
    const schema = operation.requestBody?.content?.['application/json']?.schema;
    if (schema && requestBody !== undefined) {
      let body: unknown;
      try {
        body = JSON.parse(requestBody);
      } catch {
        return problems;
      }
      const ok = this.validator(schema);
      if (!ok(body)) problems.push(`${what} with a body its schema refuses: ${describe(ok.errors)}`);
    }
    return problems;
  }

  private validator(schema: object): ValidateFunction {
    let compiled = this.compiled.get(schema);
    if (!compiled) {
      compiled = this.ajv.compile(
        JSON.parse(
          JSON.stringify(schema).replaceAll('"#/components/', `"${DOCUMENT_ID}#/components/`),
        ) as object,
      );
      this.compiled.set(schema, compiled);
    }
    return compiled;
  }
}

/** A query value as its schema sees it: numbers are numbers (`limit=10`), the rest text. */
function queryValue(value: string): unknown {
  return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

/**
 * A batch answers 200 even when some items are refused (each carries its own error): the
 * request as a whole was not accepted, so its body need not match the item schema.
 */
function partlyRefused({ body, contentType }: Exchange): boolean {
  if (mediaType(contentType) !== 'application/json') return false;
  const parsed = JSON.parse(body) as { results?: unknown };
  return (
    Array.isArray(parsed.results) &&
    parsed.results.some((r) => typeof r === 'object' && r !== null && 'error' in r)
  );
}
