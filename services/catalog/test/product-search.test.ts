import { startCatalog } from './support/catalog-harness';
import { describeProductSearch } from './support/search-contract';

describeProductSearch('SQLite', () => startCatalog());
