import { openInventoryDb } from '../support/inventory-db';
import { describeReviewHold } from './review-hold-contract';

describeReviewHold('SQLite', () => openInventoryDb());
