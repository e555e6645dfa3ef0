import Joi from 'joi';
import { catalogLimits } from '../domain/limits';
import { productSorts } from '../domain/product-search';

// Request schemas validate and document (OpenAPI) at once; response schemas only document.

export const maxPageSize = 100;
const maxIntegerColumn = catalogLimits.maxPriceAmount;

/** Ids are stored lowercase; accepting any case keeps lookups equal on every database. */
export const uuid = () => Joi.string().guid().lowercase();

export const money = Joi.object({
  amount: Joi.number().integer().min(0).max(maxIntegerColumn).required().description('Minor units, e.g. 1999'),
  currency: Joi.string()
    .pattern(/^[A-Z]{3}$/, 'ISO 4217 code')
    .required()
    .description('ISO 4217, e.g. EUR'),
});

/** POST and PUT: unknown fields (stock, status, id...) are refused, never silently dropped. */
export const productBody = Joi.object({
  sku: Joi.string().trim().min(1).max(catalogLimits.skuLength).required(),
  name: Joi.string().trim().min(1).max(catalogLimits.productNameLength).required(),
  description: Joi.string().allow('').max(catalogLimits.descriptionLength).default(''),
  price: money.required(),
  categoryId: uuid().required(),
  initialStock: Joi.number()
    .integer()
    .min(0)
    .max(maxIntegerColumn)
    .default(0)
    .description('Stock on hand when created; ignored by PUT (inventory owns stock)'),
}).required();

export const productView = Joi.object({
  id: Joi.string().guid(),
  sku: Joi.string(),
  name: Joi.string(),
  description: Joi.string().allow(''),
  price: money,
  categoryId: Joi.string().guid(),
  stock: Joi.number().integer().description('Available quantity as last reported by inventory'),
  status: Joi.string().valid('active', 'archived'),
  createdAt: Joi.string().isoDate(),
  updatedAt: Joi.string().isoDate(),
});

export const productSearchQuery = Joi.object({
  q: Joi.string().trim().allow('').max(100).description('Case-insensitive substring of name, description or sku'),
  categoryId: uuid().description('This category and all its descendants'),
  minPrice: Joi.number().integer().min(0).max(maxIntegerColumn).description('Minor units, inclusive'),
  maxPrice: Joi.number()
    .integer()
    .min(0)
    .max(maxIntegerColumn)
    .min(Joi.ref('minPrice', { adjust: (minPrice: number | undefined) => minPrice ?? 0 }))
    .description('Minor units, inclusive'),
  sort: Joi.string()
    .valid(...productSorts)
    .default('-createdAt'),
  limit: Joi.number().integer().min(1).max(maxPageSize).default(20),
  cursor: Joi.string().max(1_000).description('nextCursor of the previous page'),
});

export const productList = Joi.object({
  items: Joi.array().items(productView),
  nextCursor: Joi.string().allow(null),
});

/** Any string: an id that is not a UUID names no resource, so it is a 404 rather than a 400. */
export const idParams = Joi.object({ id: Joi.string().max(100).required() });

export const categoryView = Joi.object({
  id: Joi.string().guid(),
  name: Joi.string(),
  parentId: Joi.string().guid().allow(null),
});

export const categoryTree = Joi.array().items(
  categoryView.keys({
    // joi-to-swagger cannot render a recursive (Joi.link) schema, so the nesting is described instead.
    children: Joi.array().items(Joi.object().unknown()).description('Child categories, each of this same shape'),
  }),
);

const categoryName = Joi.string().trim().min(1).max(catalogLimits.categoryNameLength);

export const createCategoryBody = Joi.object({
  name: categoryName.required(),
  parentId: uuid().allow(null).default(null),
}).required();

export const changeCategoryBody = Joi.object({
  name: categoryName,
  parentId: uuid().allow(null).description('null moves the category to the top level'),
})
  .min(1)
  .required();

export const lookupBody = Joi.object({
  ids: Joi.array().items(uuid().required()).min(1).max(maxPageSize).unique().required(),
}).required();

export const lookupResult = Joi.object({
  items: Joi.array().items(
    Joi.object({
      id: Joi.string().guid(),
      sku: Joi.string(),
      name: Joi.string(),
      price: money,
      categoryId: Joi.string().guid(),
      status: Joi.string().valid('active', 'archived'),
      updatedAt: Joi.string().isoDate().description('When these facts last changed; archived: when archived'),
      version: Joi.number().integer().description("The product's version (1 when created, one more per change)"),
    }),
  ),
});
