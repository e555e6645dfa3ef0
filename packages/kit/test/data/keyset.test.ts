import { describeKeysetPages } from './support/keyset-contract';

describeKeysetPages('SQLite', async () => ({ url: 'sqlite::memory:', stop: async () => {} }));
