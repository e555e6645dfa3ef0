import Joi from 'joi';
// Imported, not read from disk: the production bundle carries it (tools/bundle-service.ts, esbuild).
import demoShopJson from './demo-shop.json';

/** A product of the demo shop as the catalog's POST /api/products takes it (price in minor units). */
export interface DemoProduct {
  sku: string;
  name: string;
  description: string;
  price: { amount: number; currency: string };
  stock: number;
}

export interface DemoCategory {
  name: string;
  products: DemoProduct[];
  children: DemoCategory[];
}

export interface DemoShop {
  customer: { email: string; password: string; name: string };
  categories: DemoCategory[];
}

const decimalPrice = /^(\d{1,7})\.(\d{2})$/;

const productSchema = Joi.object({
  sku: Joi.string().min(1).max(64).required(),
  name: Joi.string().min(1).max(200).required(),
  description: Joi.string().max(5_000).required(),
  price: Joi.string().pattern(decimalPrice, 'a price like 12.90').required(),
  stock: Joi.number().integer().min(0).required(),
});
const categorySchema: Joi.ObjectSchema = Joi.object({
  name: Joi.string().min(1).max(100).required(),
  products: Joi.array().items(productSchema).default([]),
  children: Joi.array().items(Joi.link('#category')).default([]),
}).id('category');
const fileSchema = Joi.object({
  about: Joi.string(),
  currency: Joi.string()
    .pattern(/^[A-Z]{3}$/)
    .required(),
  customer: Joi.object({
    email: Joi.string().email({ tlds: false }).required(),
    password: Joi.string().min(10).required(),
    name: Joi.string().required(),
  }).required(),
  categories: Joi.array().items(categorySchema).min(1).required(),
});

interface FileCategory {
  name: string;
  products: Array<Omit<DemoProduct, 'price'> & { price: string }>;
  children: FileCategory[];
}

/** "12.90" → 1290: decimal strings are read exactly, never through a float. */
export function minorUnits(price: string): number {
  const match = decimalPrice.exec(price);
  if (!match) throw new Error(`not a price with two decimals: ${price}`);
  return Number(match[1]) * 100 + Number(match[2]);
}

/**
 * Checks the demo shop (demo-shop.json beside this module, what `npm start` seeds); a mistake in it names its place
 * (`categories[0].children[1]...`).
 */
export function loadDemoShop(document: unknown = demoShopJson): DemoShop {
  const { value, error } = fileSchema.validate(document, { abortEarly: false });
  if (error) throw new Error(`demo-shop.json: ${error.message}`);
  const toCategory = (category: FileCategory): DemoCategory => ({
    name: category.name,
    products: category.products.map((product) => ({
      ...product,
      price: { amount: minorUnits(product.price), currency: value.currency },
    })),
    children: category.children.map(toCategory),
  });
  return { customer: value.customer, categories: (value.categories as FileCategory[]).map(toCategory) };
}

/** Every product of the shop, depth first. */
export function demoProducts(shop: DemoShop): DemoProduct[] {
  const walk = (category: DemoCategory): DemoProduct[] => [...category.products, ...category.children.flatMap(walk)];
  return shop.categories.flatMap(walk);
}
