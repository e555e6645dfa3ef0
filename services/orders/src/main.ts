// The orders service beside its daprd (the Kubernetes shape, and `npm run start:dapr`).
import { runMain, runService } from '@shop/kit';
import { ordersService } from './service';

runMain(() => runService(ordersService, { handleSignals: true }));
