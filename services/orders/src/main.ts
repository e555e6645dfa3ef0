import { runService } from '@shop/kit';
import { ordersService } from './service';

void runService(ordersService, { handleSignals: true });
