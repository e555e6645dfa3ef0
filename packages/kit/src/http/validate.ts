import type Joi from 'joi';
import type { Middleware } from 'koa';
import { type FieldError, invalidRequest } from './problem';

/** The request parts a route validates; each schema also feeds the OpenAPI document. */
export interface RequestSchemas {
  params?: Joi.ObjectSchema;
  query?: Joi.ObjectSchema;
  body?: Joi.Schema;
  headers?: Joi.ObjectSchema;
}

const joiOptions: Joi.ValidationOptions = { abortEarly: false, convert: true, errors: { wrap: { label: false } } };

function fieldErrors(part: string, error: Joi.ValidationError): FieldError[] {
  return error.details.map((detail) => ({
    path: [part, ...detail.path].join('.'),
    message: detail.message,
  }));
}

/**
 * Validates every part at once and answers 400 naming every bad field; on success the converted
 * values replace the raw ones (ctx.params, ctx.request.body, and ctx.state.query for the query).
 */
export function validate(schemas: RequestSchemas): Middleware {
  return async (ctx, next) => {
    const errors: FieldError[] = [];
    const check = (part: string, schema: Joi.Schema | undefined, value: unknown, options = joiOptions) => {
      if (!schema) return value;
      const result = schema.validate(value, options);
      if (result.error) errors.push(...fieldErrors(part, result.error));
      return result.value;
    };
    const params = check('params', schemas.params, ctx.params ?? {});
    const query = check('query', schemas.query, { ...ctx.query });
    const headers = check('headers', schemas.headers, ctx.headers, { ...joiOptions, allowUnknown: true });
    const body = schemas.body ? check('body', schemas.body, ctx.request.body) : ctx.request.body;
    if (errors.length > 0) {
      throw invalidRequest(errors);
    }
    ctx.params = params as Record<string, string>;
    ctx.state.query = query;
    ctx.state.headers = headers;
    ctx.request.body = body;
    await next();
  };
}
