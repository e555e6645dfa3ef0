// The notifications service beside its daprd (the Kubernetes shape, and `npm run start:dapr`).
import { runMain, runService } from '@shop/kit';
import { notificationsService } from './service';

runMain(() => runService(notificationsService, { handleSignals: true }));
