// The payments service beside its daprd (the Kubernetes shape, and `npm run start:dapr`).
import { runMain, runService } from '@shop/kit';
import { paymentsService } from './service';

runMain(() => runService(paymentsService, { handleSignals: true }));
