import { runService } from '@shop/kit';
import { paymentsService } from './service';

void runService(paymentsService, { handleSignals: true });
