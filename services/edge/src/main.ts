// `npm start`: the whole platform in one process on PORT (default 8080), SQLite under ./.data, the storefront at /, the demo shop.
import { runMain } from '@shop/kit';
import { startShop } from './start-shop';

runMain(() => startShop(process.env, true));
