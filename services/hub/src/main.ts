// One hub process beside its Dapr sidecar (the Kubernetes shape; `npm run start:dapr` starts it so).
import { ConfigError, runService } from '@shop/kit';
import { hubService } from './service';

runService(hubService, { handleSignals: true }).catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
