// The analytics service beside its daprd (the Kubernetes shape, and `npm run start:dapr`).
import { runMain, runService } from '@shop/kit';
import { analyticsService } from './service';

runMain(() => runService(analyticsService, { handleSignals: true }));
