import { runService } from '@shop/kit';
import { identityService } from './service';

void runService(identityService, { handleSignals: true });
