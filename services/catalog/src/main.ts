// The catalog beside its daprd (the Kubernetes shape, and `npm run start:dapr`).
import { runService } from '@shop/kit';
import { catalogService } from './service';

void runService(catalogService, { handleSignals: true });
