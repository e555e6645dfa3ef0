// The cart service beside its daprd (the Kubernetes shape, and `npm run start:dapr`).
import { runMain, runService } from '@shop/kit';
import { cartService } from './service';

runMain(() => runService(cartService, { handleSignals: true }));
