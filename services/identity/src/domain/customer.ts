export interface Customer {
  id: string;
  email: string;
  name: string;
  roles: string[];
  /** BCP 47 language tag, canonical (domain/locale). */
  locale: string;
  /** E.164 (domain/phone), or null when the customer gave none. */
  phone: string | null;
  /** Null once the account is deleted: nothing can log in to it. */
  passwordHash: string | null;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

export interface Address {
  id: string;
  customerId: string;
  label: string | null;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string;
  country: string;
  isDefault: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export type AddressFields = Pick<
  Address,
  'label' | 'line1' | 'line2' | 'city' | 'region' | 'postalCode' | 'country'
> & {
  isDefault: boolean;
};

/** How many addresses one customer may keep: enough for anyone, and it bounds the profile's size. */
export const maxAddressesPerCustomer = 20;

export const deletedCustomerName = 'Deleted customer';

/** What a customer looks like to clients. */
export function customerView(customer: Customer) {
  return {
    id: customer.id,
    email: customer.email,
    name: customer.name,
    roles: customer.roles,
    locale: customer.locale,
    phone: customer.phone,
    createdAt: customer.createdAt.toISOString(),
    updatedAt: customer.updatedAt.toISOString(),
  };
}

export function addressView(address: Address) {
  return {
    id: address.id,
    label: address.label,
    line1: address.line1,
    line2: address.line2,
    city: address.city,
    region: address.region,
    postalCode: address.postalCode,
    country: address.country,
    isDefault: address.isDefault,
  };
}
