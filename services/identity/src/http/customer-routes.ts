import { type ApiRoutes, type Caller, handlerContext, invalidRequest, problem } from '@shop/kit';
import Joi from 'joi';
import type { Context } from 'koa';
import { addAddress } from '../application/add-address';
import { changePassword } from '../application/change-password';
import { deleteAccount } from '../application/delete-account';
import { getProfile, type Profile } from '../application/get-profile';
import { removeAddress } from '../application/remove-address';
import { updateAddress } from '../application/update-address';
import { updateProfile } from '../application/update-profile';
import { type AddressFields, addressView, customerView, maxAddressesPerCustomer } from '../domain/customer';
import type { IdentityHttp } from './identity-http';
import {
  addressFields,
  addressView as addressSchema,
  email,
  idParams,
  locale,
  name,
  password,
  phone,
  profileView,
} from './schemas';

export function profileBody(profile: Profile) {
  return { ...customerView(profile.customer), addresses: profile.addresses.map(addressView) };
}

function caller(ctx: Context): Caller {
  return ctx.state.caller as Caller;
}

const accountGone = () => problem(404, 'Account not found', { detail: 'This account no longer exists.' });

/** The signed-in account's own profile, password, addresses and deletion; mounted after `authenticate`. */
export function customerRoutes(api: ApiRoutes, http: IdentityHttp): void {
  const { deps } = http;

  api.get(
    '/api/customers/me',
    {
      summary: 'My profile with my addresses',
      access: 'signed in',
      responses: { 200: { description: 'Profile', body: profileView } },
    },
    async (ctx) => {
      const profile = await getProfile(handlerContext(ctx), { customerId: caller(ctx).id }, deps);
      if (!profile) throw accountGone();
      ctx.body = profileBody(profile);
    },
  );

  api.patch(
    '/api/customers/me',
    {
      summary: 'Change my name, email, language or phone number (an email change needs currentPassword)',
      access: 'signed in',
      request: {
        body: Joi.object({ name, email, currentPassword: password, locale, phone }).or(
          'name',
          'email',
          'locale',
          'phone',
        ),
      },
      responses: { 200: { description: 'Profile', body: profileView }, 409: { description: 'Email taken' } },
    },
    async (ctx) => {
      const body = ctx.request.body as {
        name?: string;
        email?: string;
        currentPassword?: string;
        locale?: string;
        phone?: string | null;
      };
      const result = await updateProfile(handlerContext(ctx), { customerId: caller(ctx).id, ...body }, deps);
      if (!result.ok) {
        if (result.reason === 'not-found') throw accountGone();
        if (result.reason === 'email-taken') throw problem(409, 'Email already registered');
        if (result.reason === 'password-required') {
          throw invalidRequest([{ path: 'body.currentPassword', message: 'is required to change the email' }]);
        }
        throw problem(403, 'Wrong password', { detail: 'currentPassword is not the password of this account.' });
      }
      const profile = await getProfile(handlerContext(ctx), { customerId: caller(ctx).id }, deps);
      if (!profile) throw accountGone();
      ctx.body = profileBody(profile);
    },
  );

  api.delete(
    '/api/customers/me',
    {
      summary: 'Delete my account (personal data is anonymised, every login ends)',
      access: 'signed in',
      responses: { 204: { description: 'Deleted' } },
    },
    async (ctx) => {
      if (!(await deleteAccount(handlerContext(ctx), { customerId: caller(ctx).id }, deps)).ok) throw accountGone();
      ctx.status = 204;
    },
  );

  api.post(
    '/api/customers/me/password',
    {
      summary: 'Change my password (ends every other login)',
      access: 'signed in',
      request: { body: Joi.object({ currentPassword: password.required(), newPassword: password.required() }) },
      responses: { 204: { description: 'Changed' }, 403: { description: 'Wrong current password' } },
    },
    async (ctx) => {
      const body = ctx.request.body as { currentPassword: string; newPassword: string };
      const result = await changePassword(handlerContext(ctx), { customerId: caller(ctx).id, ...body }, deps);
      if (!result.ok && result.reason === 'weak-password') {
        throw invalidRequest(result.problems.map((message) => ({ path: 'body.newPassword', message })));
      }
      if (!result.ok && result.reason === 'not-found') throw accountGone();
      if (!result.ok)
        throw problem(403, 'Wrong password', { detail: 'currentPassword is not the password of this account.' });
      ctx.status = 204;
    },
  );

  api.get(
    '/api/customers/me/addresses',
    {
      summary: 'My addresses',
      access: 'signed in',
      responses: { 200: { description: 'Addresses', body: Joi.object({ items: Joi.array().items(addressSchema) }) } },
    },
    async (ctx) => {
      const profile = await getProfile(handlerContext(ctx), { customerId: caller(ctx).id }, deps);
      if (!profile) throw accountGone();
      ctx.body = { items: profile.addresses.map(addressView) };
    },
  );

  api.post(
    '/api/customers/me/addresses',
    {
      summary: 'Add an address (the first one becomes the default)',
      access: 'signed in',
      request: { body: addressFields },
      responses: {
        201: { description: 'The address', body: addressSchema },
        409: { description: 'Too many addresses' },
      },
    },
    async (ctx) => {
      const result = await addAddress(
        handlerContext(ctx),
        { customerId: caller(ctx).id, fields: ctx.request.body as AddressFields },
        deps,
      );
      if (!result.ok && result.reason === 'too-many') {
        throw problem(409, 'Too many addresses', {
          detail: `An account keeps at most ${maxAddressesPerCustomer} addresses.`,
        });
      }
      if (!result.ok) throw accountGone();
      ctx.status = 201;
      ctx.set('Location', `/api/customers/me/addresses/${result.address.id}`);
      ctx.body = addressView(result.address);
    },
  );

  api.get(
    '/api/customers/me/addresses/:id',
    {
      summary: 'One of my addresses',
      access: 'signed in',
      request: { params: idParams },
      responses: { 200: { description: 'The address', body: addressSchema } },
    },
    async (ctx) => {
      const profile = await getProfile(handlerContext(ctx), { customerId: caller(ctx).id }, deps);
      const address = profile?.addresses.find((candidate) => candidate.id === ctx.params.id);
      if (!address) throw problem(404, 'Address not found');
      ctx.body = addressView(address);
    },
  );

  api.put(
    '/api/customers/me/addresses/:id',
    {
      summary: 'Replace one of my addresses',
      access: 'signed in',
      request: { params: idParams, body: addressFields },
      responses: { 200: { description: 'The address', body: addressSchema } },
    },
    async (ctx) => {
      const result = await updateAddress(
        handlerContext(ctx),
        { customerId: caller(ctx).id, addressId: ctx.params.id as string, fields: ctx.request.body as AddressFields },
        deps,
      );
      if (!result.ok) throw problem(404, 'Address not found');
      ctx.body = addressView(result.address);
    },
  );

  api.delete(
    '/api/customers/me/addresses/:id',
    {
      summary: 'Delete one of my addresses',
      access: 'signed in',
      request: { params: idParams },
      responses: { 204: { description: 'Deleted' } },
    },
    async (ctx) => {
      if (
        !(
          await removeAddress(
            handlerContext(ctx),
            { customerId: caller(ctx).id, addressId: ctx.params.id as string },
            deps,
          )
        ).ok
      )
        throw problem(404, 'Address not found');
      ctx.status = 204;
    },
  );
}
