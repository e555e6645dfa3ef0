// The catalog beside its daprd (the Kubernetes shape, and `npm run start:dapr`).
import { runMain, runService } from '@shop/kit';
import { catalogService } from './service';

runMain(() => runService(catalogService, { handleSignals: true }));
