// One inventory process beside its Dapr sidecar (the Kubernetes shape; `npm run start:dapr` starts it so).
import { runMain, runService } from '@shop/kit';
import { inventoryService } from './service';

runMain(() => runService(inventoryService, { handleSignals: true }));
