// The recommendations service beside its daprd (the Kubernetes shape, and `npm run start:dapr`).
import { runMain, runService } from '@shop/kit';
import { recommendationsService } from './service';

runMain(() => runService(recommendationsService, { handleSignals: true }));
