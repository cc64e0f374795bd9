import { createRequire } from "node:module";
import { OpenAPIBackend, OpenAPIValidator, ValidationContext, type Document, type Operation } from "openapi-backend";

// Every API request and response of a fake forge is checked against the
// forge's own OpenAPI description by openapi-backend (ajv underneath), so the
// fakes cannot drift into answering what the real forge never would.

const require = createRequire(import.meta.url);
// ajv-formats is CommonJS with `export default`; load it the CommonJS way.
const addFormats = require("ajv-formats") as <T>(ajv: T) => T;

interface Compiled {
  (value: unknown): boolean;
  errors?: { instancePath: string; message?: string; keyword: string }[] | null;
}
// openapi-backend's own compile step (it turns reference cycles back into $refs); private in its types.
const compileSchema = (ajv: unknown, schema: object): Compiled =>
  (OpenAPIValidator as unknown as { compileSchema(ajv: unknown, schema: object): Compiled }).compileSchema(ajv, schema);

export interface SpecRequest {
  method: string;
  /** Full path as the spec sees it, apiRoot included, with the query string. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, a placeholder object for forms, or undefined. */
  body?: unknown;
}

export interface MatchedOperation {
  operationId: string;
  operation: Operation;
  /** Path parameters, decoded. */
  params: Record<string, string>;
}

export class SpecValidator {
  private readonly compiled = new Map<string, Compiled>();
  private constructor(
    private readonly api: OpenAPIBackend,
    /** Content types each operation accepts (Swagger 2.0 `consumes`, or OAS3 requestBody keys). */
    private readonly consumesOverride: ReadonlyMap<string, string[]>,
  ) {}

  /**
   * Loads an OAS 3.x document. `quick` mode dereferences synchronously and
   * compiles each validator on first use: GitHub's description has about a
   * thousand operations and the fakes touch twenty.
   */
  static async load(document: Document, apiRoot: string, consumes: ReadonlyMap<string, string[]> = new Map()): Promise<SpecValidator> {
    const api = new OpenAPIBackend({
      definition: document,
      apiRoot,
      quick: true,
      strict: true,
      customizeAjv: (ajv) => addFormats(ajv),
    });
    await api.init();
    return new SpecValidator(api, consumes);
  }

  match(method: string, path: string): MatchedOperation | undefined {
    const operation = this.api.matchOperation({ method, path, headers: {} });
    if (!operation?.operationId) return undefined;
    const parsed = this.api.router.parseRequest({ method, path, headers: {} }, operation);
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(parsed.params as Record<string, unknown>)) params[key] = decodeURIComponent(String(value));
    return { operationId: operation.operationId, operation, params };
  }

  /** Path, query and JSON body against the operation's parameters and body schema; [] when valid. */
  validateRequest(request: SpecRequest, op: MatchedOperation): string[] {
    const result = this.api.validateRequest({ ...request, headers: cleanHeaders(request.headers) }, op.operation);
    return result.valid ? [] : (result.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword}`);
  }

  /** The content types the operation's body may have (empty when it takes no body). */
  consumes(op: MatchedOperation): string[] {
    const override = this.consumesOverride.get(op.operationId);
    if (override) return override;
    const body = op.operation.requestBody;
    return body && "content" in body ? Object.keys(body.content) : [];
  }

  /**
   * The response against the schema documented for its status code. A 2xx
   * the operation does not document is a violation; an undocumented error
   * status is not, because both forges answer 401/403 from middleware that
   * the per-operation descriptions leave out.
   */
  validateResponse(status: number, body: unknown, op: MatchedOperation): string[] {
    const responses = op.operation.responses ?? {};
    const documented = String(status) in responses || `${String(status)[0]}XX` in responses || "default" in responses;
    if (!documented) return status < 300 ? [`status ${status} is not documented (documented: ${Object.keys(responses).join(", ")})`] : [];
    if (body === undefined) return [];
    const result = this.api.validateResponse(body, op.operation, status);
    return result.valid ? [] : (result.errors ?? []).map((e) => `response ${status} ${e.instancePath || "/"} ${e.message ?? e.keyword}`);
  }

  /** Ajv-checks a value against one named schema (`#/components/schemas/X`), e.g. a webhook's repository. */
  validateSchema(name: string, value: unknown): string[] {
    const schemas = (this.api.definition.components?.schemas ?? {}) as Record<string, object>;
    const schema = schemas[name];
    if (!schema) return [`no schema ${name}`];
    let validate = this.compiled.get(name);
    if (!validate) {
      validate = compileSchema(this.api.validator.getAjv(ValidationContext.Response), schema);
      this.compiled.set(name, validate);
    }
    return validate(value) ? [] : (validate.errors ?? []).map((e) => `${name}${e.instancePath} ${e.message ?? e.keyword}`);
  }
}

function cleanHeaders(headers: SpecRequest["headers"]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(headers)) if (value !== undefined) out[key] = value;
  return out;
}
