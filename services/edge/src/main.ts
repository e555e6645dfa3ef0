// `npm start`: the whole platform in one process on PORT (default 8080), SQLite under ./.data.
import { ConfigError, runEmbedded } from '@shop/kit';
import { services } from './services';

runEmbedded(services, { handleSignals: true }).catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
