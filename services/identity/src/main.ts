// The identity service beside its daprd (the Kubernetes shape, and `npm run start:dapr`).
import { runMain, runService } from '@shop/kit';
import { identityService } from './service';

runMain(() => runService(identityService, { handleSignals: true }));
