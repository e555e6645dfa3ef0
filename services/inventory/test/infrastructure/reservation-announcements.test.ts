import { openInventoryDb } from '../support/inventory-db';
import { describeReservationAnnouncements } from './reservation-announcements';

describeReservationAnnouncements('SQLite', () => openInventoryDb('sqlite::memory:'));
