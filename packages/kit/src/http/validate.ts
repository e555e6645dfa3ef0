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

/**
 * C0 control characters other than TAB, LF and CR. No field of this API has a use for them, and NUL is refused by
 * PostgreSQL in any text value while SQLite stores it: refusing them here, for every string a client sends, keeps the
 * two databases answering alike. TAB, LF and CR stay allowed: multi-line text (descriptions, reasons) needs them.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const controlCharacter = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

/** Whether text holds a control character a request may not carry (see above). */
export function hasControlCharacter(text: string): boolean {
  return controlCharacter.test(text);
}
export const controlCharacterMessage =
  'must not contain control characters (U+0000 to U+001F other than tab and line breaks)';

/** Every string in a request part (keys of objects included), at any depth, that holds a control character. */
export function controlCharacterErrors(part: string, value: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const visit = (item: unknown, path: string[]) => {
    if (typeof item === 'string') {
      if (controlCharacter.test(item))
        errors.push({ path: [part, ...path].join('.'), message: controlCharacterMessage });
    } else if (Array.isArray(item)) {
      for (const [index, inner] of item.entries()) visit(inner, [...path, String(index)]);
    } else if (item !== null && typeof item === 'object') {
      for (const [key, inner] of Object.entries(item)) {
        if (controlCharacter.test(key)) {
          errors.push({ path: [part, ...path, JSON.stringify(key)].join('.'), message: controlCharacterMessage });
        } else visit(inner, [...path, key]);
      }
    }
  };
  visit(value, []);
  return errors;
}

function fieldErrors(part: string, error: Joi.ValidationError): FieldError[] {
  return error.details.map((detail) => ({
    path: [part, ...detail.path].join('.'),
    message: detail.message,
  }));
}

/**
 * Validates every part at once and answers 400 naming every bad field; on success the converted
 * values replace the raw ones (ctx.params, ctx.request.body, and ctx.state.query for the query).
 * Strings holding control characters are refused in params, query and body whatever the schemas say
 * (and where a part has no schema), before the schemas run: a schema's conversions must never see them.
 */
export function validate(schemas: RequestSchemas): Middleware {
  return async (ctx, next) => {
    const raw = { params: ctx.params ?? {}, query: { ...ctx.query }, body: ctx.request.body };
    const controls = [
      ...controlCharacterErrors('params', raw.params),
      ...controlCharacterErrors('query', raw.query),
      ...controlCharacterErrors('body', raw.body),
    ];
    if (controls.length > 0) throw invalidRequest(controls);
    const errors: FieldError[] = [];
    const check = (part: string, schema: Joi.Schema | undefined, value: unknown, options = joiOptions) => {
      if (!schema) return value;
      const result = schema.validate(value, options);
      if (result.error) errors.push(...fieldErrors(part, result.error));
      return result.value;
    };
    const params = check('params', schemas.params, raw.params);
    const query = check('query', schemas.query, raw.query);
    const headers = check('headers', schemas.headers, ctx.headers, { ...joiOptions, allowUnknown: true });
    const body = schemas.body ? check('body', schemas.body, raw.body) : raw.body;
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
