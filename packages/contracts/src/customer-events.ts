export interface CustomerRegistered {
  customerId: string;
  email: string;
  name: string;
  registeredAt: string;
}

export interface CustomerDeleted {
  customerId: string;
  deletedAt: string;
}
