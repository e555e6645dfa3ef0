import Joi from 'joi';

const instant = Joi.date().iso();
const limit = Joi.number().integer().min(1).max(100).default(10);

export const rangeQuery = Joi.object({ from: instant, to: instant });
export const salesQuery = Joi.object({
  from: instant,
  to: instant,
  interval: Joi.string().valid('hour', 'day').default('day'),
});
export const topProductsQuery = Joi.object({ from: instant, to: instant, limit });
export const stockOutlookQuery = Joi.object({ limit });

const money = Joi.object({ amount: Joi.number().integer().required(), currency: Joi.string().length(3).required() });
const count = Joi.number().integer().min(0).required();

export const summary = Joi.object({
  from: Joi.string().isoDate().required(),
  to: Joi.string().isoDate().required(),
  orders: Joi.object({
    placed: count,
    held: count.description('Orders held for fraud review (OnHold) in the range, each once at the time held'),
    paid: count,
    failed: count,
    cancelled: count,
    failedByReason: Joi.object({
      OutOfStock: count,
      PaymentDeclined: count,
      ReservationExpired: count,
      FraudSuspected: count,
    }).required(),
  }).required(),
  revenue: Joi.array().items(money).required(),
  averageOrderValue: Joi.array().items(money).required(),
  customers: Joi.object({ registered: count }).required(),
});

export const sales = Joi.object({
  interval: Joi.string().valid('hour', 'day').required(),
  points: Joi.array()
    .items(
      Joi.object({
        at: Joi.string().isoDate().required(),
        orders: count,
        revenue: Joi.array().items(money).required(),
      }),
    )
    .required(),
});

export const topProducts = Joi.array().items(
  Joi.object({
    productId: Joi.string().guid().required(),
    name: Joi.string().required(),
    quantity: count,
    revenue: money.required(),
  }),
);

export const stockOutlook = Joi.array().items(
  Joi.object({
    productId: Joi.string().guid().required(),
    name: Joi.string().required(),
    available: Joi.number().integer().required(),
    dailyDemand: Joi.number().min(0).required(),
    daysToStockOut: Joi.number().min(0).allow(null).required(),
  }),
);
