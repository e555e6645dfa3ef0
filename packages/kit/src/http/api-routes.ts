import Router from '@koa/router';
import type Joi from 'joi';
import joiToSwagger from 'joi-to-swagger';
import type { Middleware } from 'koa';
import { type Access, accessGuard } from './auth';
import { type RequestSchemas, validate } from './validate';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseSpec {
  description: string;
  body?: Joi.Schema;
}

/** What a route promises; the same schemas validate requests and describe them in /openapi/<service>.json. */
export interface OperationSpec {
  summary: string;
  /**
   * Who may call it, stated once: the kit mounts the guard that enforces it (after `authenticate`, before any
   * other middleware of the route) and shows it in the OpenAPI document (`security` and `x-access`).
   */
  access: Access;
  request?: RequestSchemas;
  responses: Record<number, ResponseSpec>;
}

interface Operation {
  method: Method;
  path: string;
  spec: OperationSpec;
}

type OpenApiObject = Record<string, unknown>;

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
    },
  },
};

/**
 * A router whose routes declare their schemas once: each route validates its request with them and
 * lists itself, with them, in the service's OpenAPI document.
 */
export class ApiRoutes {
  readonly router = new Router();
  private readonly operations: Operation[] = [];

  get(path: string, spec: OperationSpec, ...handlers: Middleware[]): this {
    return this.add('get', path, spec, handlers);
  }
  post(path: string, spec: OperationSpec, ...handlers: Middleware[]): this {
    return this.add('post', path, spec, handlers);
  }
  put(path: string, spec: OperationSpec, ...handlers: Middleware[]): this {
    return this.add('put', path, spec, handlers);
  }
  patch(path: string, spec: OperationSpec, ...handlers: Middleware[]): this {
    return this.add('patch', path, spec, handlers);
  }
  delete(path: string, spec: OperationSpec, ...handlers: Middleware[]): this {
    return this.add('delete', path, spec, handlers);
  }

  /** Middleware for every route declared after it (e.g. authenticate). */
  use(...middleware: Middleware[]): this {
    this.router.use(...middleware);
    return this;
  }

  private add(method: Method, path: string, spec: OperationSpec, handlers: Middleware[]): this {
    // The access guard runs first and validation right before the final handler: a caller without access learns
    // nothing about the request's shape (401/403 before any 400). Routes without schemas are validated too:
    // no string holding a control character reaches any handler.
    const guard = accessGuard(spec.access);
    const middleware = handlers.slice(0, -1);
    const final = handlers.slice(-1);
    const stack = [...(guard ? [guard] : []), ...middleware, validate(spec.request ?? {}), ...final];
    const [first, ...rest] = stack;
    if (!first) throw new Error(`${method.toUpperCase()} ${path} has no handler`);
    this.router[method](path, first, ...rest);
    this.operations.push({ method, path, spec });
    return this;
  }

  /** The OpenAPI 3.0 document of every route declared so far. */
  openApi(info: { title: string; version: string; description?: string }): OpenApiObject {
    const paths: Record<string, Record<string, OpenApiObject>> = {};
    for (const { method, path, spec } of this.operations) {
      const openApiPath = path.replace(/:(\w+)/g, '{$1}');
      paths[openApiPath] ??= {};
      paths[openApiPath][method] = operationObject(spec);
    }
    return {
      openapi: '3.0.3',
      info,
      paths,
      components: {
        schemas: { Problem: problemSchema },
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    };
  }
}

function parameters(location: 'path' | 'query' | 'header', schema: Joi.ObjectSchema | undefined): OpenApiObject[] {
  if (!schema) return [];
  const converted = joiToSwagger(schema).swagger as { properties?: Record<string, OpenApiObject>; required?: string[] };
  return Object.entries(converted.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || (converted.required ?? []).includes(name),
    schema: property,
  }));
}

function operationObject(spec: OperationSpec): OpenApiObject {
  const operation: OpenApiObject = {
    summary: spec.summary,
    // Machine-readable for clients and for the test that every route enforces what it declares.
    'x-access': spec.access,
    parameters: [
      ...parameters('path', spec.request?.params),
      ...parameters('query', spec.request?.query),
      ...parameters('header', spec.request?.headers),
    ],
    responses: Object.fromEntries(
      Object.entries(spec.responses).map(([status, response]) => [
        status,
        {
          description: response.description,
          ...(response.body
            ? { content: { 'application/json': { schema: joiToSwagger(response.body).swagger } } }
            : {}),
        },
      ]),
    ),
  };
  (operation.responses as Record<string, OpenApiObject>).default = {
    description: 'A problem document (RFC 9457)',
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  };
  if (spec.request?.body) {
    operation.requestBody = {
      required: true,
      content: { 'application/json': { schema: joiToSwagger(spec.request.body).swagger } },
    };
  }
  if (spec.access !== 'anyone' && spec.access !== 'internal') {
    operation.security = [{ bearer: [] }];
    operation.description = `Access: ${spec.access}.`;
  }
  return operation;
}
