// One hub process beside its Dapr sidecar (the Kubernetes shape; `npm run start:dapr` starts it so).
import { runMain, runService } from '@shop/kit';
import { hubService } from './service';

runMain(() => runService(hubService, { handleSignals: true }));
