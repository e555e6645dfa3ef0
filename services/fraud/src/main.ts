// The fraud service beside its daprd (the Kubernetes shape, and `npm run start:dapr`).
import { runMain, runService } from '@shop/kit';
import { fraudService } from './service';

runMain(() => runService(fraudService, { handleSignals: true }));
