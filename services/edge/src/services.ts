import type { ServiceManifest } from '@shop/kit';
import { analyticsService } from '../../analytics/src/service';
import { cartService } from '../../cart/src/service';
import { catalogService } from '../../catalog/src/service';
import { fraudService } from '../../fraud/src/service';
import { hubService } from '../../hub/src/service';
import { identityService } from '../../identity/src/service';
import { inventoryService } from '../../inventory/src/service';
import { notificationsService } from '../../notifications/src/service';
import { ordersService } from '../../orders/src/service';
import { paymentsService } from '../../payments/src/service';
import { recommendationsService } from '../../recommendations/src/service';

/**
 * Every service the platform runs, in start order. Both topologies read this list: the embedded edge
 * hosts each manifest in-process; `npm run start:dapr` starts services/<name>/src/main.ts with a sidecar.
 */
export const services: ServiceManifest[] = [
  identityService as ServiceManifest,
  catalogService as ServiceManifest,
  inventoryService as ServiceManifest,
  paymentsService as ServiceManifest,
  // Before orders: every placement asks it for an assessment.
  fraudService as ServiceManifest,
  ordersService as ServiceManifest,
  cartService as ServiceManifest,
  notificationsService as ServiceManifest,
  analyticsService as ServiceManifest,
  recommendationsService as ServiceManifest,
  hubService as ServiceManifest,
];
