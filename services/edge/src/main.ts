// `npm start`: the whole platform in one process on PORT (default 8080), SQLite under ./.data.
import { runEmbedded, runMain } from '@shop/kit';
import { services } from './services';

runMain(() => runEmbedded(services, { handleSignals: true }));
