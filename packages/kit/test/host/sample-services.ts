import { randomUUID } from 'node:crypto';
import Joi from 'joi';
import type { ServiceManifest } from '../../src/host/service-manifest';
import { ApiRoutes } from '../../src/http/api-routes';

/** Two small services that use every part of the host, as real services will. */
export const greeter: ServiceManifest = {
  name: 'greeter',
  publicPaths: ['/api/greetings'],
  async setup({ mesh, authenticate }) {
    const api = new ApiRoutes();
    api.use(authenticate);
    api.post(
      '/api/greetings',
      {
        summary: 'Greet someone',
        access: 'anyone',
        request: { body: Joi.object({ name: Joi.string().min(1).max(40).required() }) },
        responses: {
          201: { description: 'The greeting', body: Joi.object({ text: Joi.string(), seen: Joi.number() }) },
        },
      },
      async (ctx) => {
        const { name } = ctx.request.body as { name: string };
        await mesh.publish('greetings.greeted', {
          id: randomUUID(),
          type: 'greetings.greeted',
          occurredAt: new Date().toISOString(),
          data: { name },
        });
        const counted = await mesh.invoke('audit', `/internal/audit/${encodeURIComponent(name)}`, { method: 'POST' });
        ctx.status = 201;
        ctx.body = { text: `Hello, ${name}`, seen: (counted.body as { seen: number }).seen };
      },
    );
    api.get(
      '/api/greetings/me',
      { summary: 'Who am I', access: 'signed in', responses: { 200: { description: 'caller' } } },
      (ctx) => {
        ctx.body = ctx.state.caller;
      },
    );
    return { router: api.router, openApi: api.openApi({ title: 'greeter', version: '1' }) };
  },
};

export const audit: ServiceManifest = {
  name: 'audit',
  publicPaths: ['/api/audit'],
  async setup({ mesh }) {
    const api = new ApiRoutes();
    api.post(
      '/internal/audit/:name',
      { summary: 'Count a name', access: 'internal', responses: { 200: { description: 'count' } } },
      async (ctx) => {
        const key = `seen-${ctx.params.name}`;
        const current = await mesh.state.get<number>(key);
        const seen = (current?.value ?? 0) + 1;
        await mesh.state.save(key, seen, current ? { etag: current.etag } : {});
        ctx.body = { seen };
      },
    );
    api.get(
      '/api/audit/:name',
      { summary: 'Events seen for a name', access: 'anyone', responses: { 200: { description: 'events' } } },
      async (ctx) => {
        ctx.body = { events: (await mesh.state.get<number>(`events-${ctx.params.name}`))?.value ?? 0 };
      },
    );
    return {
      router: api.router,
      // Documents every route it declared, /internal/audit/{name} included: the host publishes the public ones only.
      openApi: api.openApi({ title: 'audit', version: '1' }),
      subscriptions: [
        {
          topic: 'greetings.greeted',
          async handle(event) {
            const { name } = event.data as { name: string };
            const current = await mesh.state.get<number>(`events-${name}`);
            await mesh.state.save(`events-${name}`, (current?.value ?? 0) + 1);
            return 'success';
          },
        },
      ],
      readiness: [{ name: 'state', check: async () => {} }],
    };
  },
};
