import { randomUUID } from 'node:crypto';
import type { HubConnection } from '@microsoft/signalr';
import { encode } from '@msgpack/msgpack';
import { jsonHubProtocol, messagePackHubProtocol } from '@shop/signalr';
import { combinations, hubClient, nextInvocation, record } from '@shop/signalr/test/support/clients';
import { eventually } from '@shop/testkit/src/eventually';
import { accessKey, azureClient, rest, restToken } from '../support/azure-clients';
import { type HubPlatform, startHubPlatform } from '../support/hub-platform';

// The Azure SignalR data-plane REST API against the stock @microsoft/signalr client on the Azure client endpoint.

let shop: HubPlatform;
const open: HubConnection[] = [];

beforeAll(async () => {
  shop = await startHubPlatform();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((connection) => connection.stop()));
});
afterAll(() => shop.stop());

const hubName = () => `chat${randomUUID().replace(/-/g, '').slice(0, 12)}`;

async function connected(hub: string, options: Parameters<typeof azureClient>[2] = {}): Promise<HubConnection> {
  const connection = azureClient(shop.url, hub, options);
  await connection.start();
  open.push(connection);
  return connection;
}

const idOf = (connection: HubConnection) => connection.connectionId as string;

describe('access-key tokens on the REST API', () => {
  const path = '/api/v1/hubs/chat';
  const send = (token: string | null) =>
    rest(shop.url, 'POST', path, { body: { target: 'Note', arguments: [] }, token });

  it('accepts a token for the request URL and answers 202', async () => {
    expect((await send(restToken(`${shop.url}${path}`))).status).toBe(202);
  });

  it.each([
    ['no token', () => null, 'An access token signed with the access key is required'],
    [
      'another key',
      () => restToken(`${shop.url}${path}`, { key: 'not-the-hub-access-key-0000' }),
      'The signature key was not found',
    ],
    ['an expired token', () => restToken(`${shop.url}${path}`, { expiresIn: -600 }), 'The token is expired'],
    ['another audience', () => restToken(`${shop.url}/api/v1/hubs/other`), 'The audience is invalid'],
    ['a client token', () => restToken(`${shop.url}/client/?hub=chat`), 'The audience is invalid'],
    ['no expiry', () => restToken(`${shop.url}${path}`, { expiresIn: null }), 'The token has no expiration time'],
  ])('refuses %s with 401, x-ms-error-code and WWW-Authenticate', async (_case, token, detail) => {
    const res = await send(token());
    expect(res.status).toBe(401);
    expect(res.headers.get('x-ms-error-code')).toBe('Error.Auth.Unauthorized');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 401, detail });
  });

  it('refuses an unsigned token and a token of another algorithm', async () => {
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({ aud: `${shop.url}${path}`, exp: Math.floor(Date.now() / 1000) + 60 }),
    ).toString('base64url')}.`;
    expect((await send(unsigned)).status).toBe(401);
    expect((await send('not-a-jwt')).status).toBe(401);
  });

  it('accepts the audiences other callers make: Dapr (an array with port and query), the SDK (no port), HS512', async () => {
    const url = new URL(shop.url);
    const dapr = restToken('', { audience: [`${shop.url}/api/hubs/chat/:send?api-version=2022-11-01`] });
    const res = await rest(shop.url, 'POST', '/api/hubs/chat/:send?api-version=2022-11-01', {
      body: { target: 'Note' },
      token: dapr,
    });
    expect(res.status).toBe(202);
    const sdk = restToken(`${url.protocol}//${url.hostname}/api/hubs/chat/:send?api-version=2022-06-01`, {
      algorithm: 'HS512',
    });
    expect(
      (
        await rest(shop.url, 'POST', '/api/hubs/chat/:send?api-version=2022-06-01&excluded=x', {
          body: { target: 'Note' },
          token: sdk,
        })
      ).status,
    ).toBe(202);
  });

  it('answers the health probe without a token', async () => {
    for (const path of ['/api/health', '/api/v1/health']) {
      expect((await rest(shop.url, 'HEAD', `${path}?api-version=2022-06-01`, { token: null })).status).toBe(200);
      expect((await rest(shop.url, 'GET', path, { token: null })).status).toBe(200);
    }
  });
});

describe.each(combinations)('sends over $transport with $protocol', ({ transport, protocol }) => {
  it('reach every connection, a user, a group and one connection (v1 and api-version routes)', async () => {
    const hub = hubName();
    const ada = await connected(hub, { transport, protocol, userId: 'ada' });
    const grace = await connected(hub, { transport, protocol, userId: 'grace' });
    const [adaHeard, graceHeard] = [record(ada, 'Note'), record(grace, 'Note')];
    const group = 'night shift';
    expect(
      (
        await rest(
          shop.url,
          'PUT',
          `/api/hubs/${hub}/groups/${encodeURIComponent(group)}/connections/${idOf(grace)}?api-version=2022-06-01`,
        )
      ).status,
    ).toBe(200);

    const sends: Array<[string, unknown]> = [
      [`/api/v1/hubs/${hub}`, { target: 'Note', arguments: ['all (v1)', { n: 1 }] }],
      [`/api/hubs/${hub}/:send?api-version=2022-06-01`, { target: 'Note', arguments: ['all'] }],
      [`/api/v1/hubs/${hub}/users/ada`, { target: 'Note', arguments: ['ada (v1)'] }],
      [`/api/hubs/${hub}/users/grace/:send?api-version=2022-06-01`, { target: 'Note', arguments: ['grace'] }],
      [`/api/v1/hubs/${hub}/groups/${encodeURIComponent(group)}`, { target: 'Note', arguments: ['group (v1)'] }],
      [
        `/api/hubs/${hub}/groups/${encodeURIComponent(group)}/:send?api-version=2022-06-01`,
        { target: 'Note', arguments: ['group'] },
      ],
      [`/api/v1/hubs/${hub}/connections/${idOf(ada)}`, { target: 'Note', arguments: ['ada connection (v1)'] }],
      [
        `/api/hubs/${hub}/connections/${idOf(grace)}/:send?api-version=2022-06-01`,
        { target: 'Note', arguments: ['grace connection'] },
      ],
    ];
    for (const [path, body] of sends)
      expect([path, (await rest(shop.url, 'POST', path, { body })).status]).toEqual([path, 202]);

    await eventually(() => {
      expect(adaHeard).toEqual([['all (v1)', { n: 1 }], ['all'], ['ada (v1)'], ['ada connection (v1)']]);
      expect(graceHeard).toEqual([
        ['all (v1)', { n: 1 }],
        ['all'],
        ['grace'],
        ['group (v1)'],
        ['group'],
        ['grace connection'],
      ]);
    });
  });
});

describe('send bodies', () => {
  it('binds Target/Arguments case-insensitively, takes null or missing arguments, and chunked bodies', async () => {
    const hub = hubName();
    const client = await connected(hub);
    const heard = record(client, 'Pascal');
    const url = `/api/hubs/${hub}/:send?api-version=2022-06-01`;
    expect(
      (await rest(shop.url, 'POST', url, { body: { Target: 'Pascal', Arguments: ['from the SDK'] } })).status,
    ).toBe(202);
    expect((await rest(shop.url, 'POST', url, { body: { target: 'Pascal', arguments: null } })).status).toBe(202);
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(Buffer.from('{"Target":"Pas'));
        controller.enqueue(Buffer.from('cal","Arguments":[3]}'));
        controller.close();
      },
    });
    const streamed = await fetch(`${shop.url}${url}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        authorization: `Bearer ${restToken(`${shop.url}${url}`)}`,
      },
      body: chunked,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(202);
    await eventually(() => expect(heard).toEqual([['from the SDK'], [], [3]]));
  });

  it('answers 400 naming the field for a bad body, 413 for one over 1 MB', async () => {
    const url = '/api/v1/hubs/chat';
    const problems = async (call: Parameters<typeof rest>[3]) => {
      const res = await rest(shop.url, 'POST', url, call);
      expect(res.status).toBe(400);
      expect(res.headers.get('x-ms-error-code')).toBe('Error.Request.Invalid');
      return ((await res.json()) as { errors: Array<{ path: string }> }).errors.map((error) => error.path);
    };
    expect(await problems({ body: { arguments: [] } })).toEqual(['body.target']);
    expect(await problems({ body: { target: '', arguments: 'one' } })).toEqual(['body.target', 'body.arguments']);
    expect(await problems({ body: [1, 2] })).toEqual(['body']);
    expect(await problems({ raw: '{"target":', headers: { 'content-type': 'application/json' } })).toEqual(['body']);
    expect(await problems({ raw: '' })).toEqual(['body']);
    const large = await rest(shop.url, 'POST', url, {
      body: { target: 'Note', arguments: ['x'.repeat(1_100_000)] },
    });
    expect(large.status).toBe(413);
    expect(large.headers.get('x-ms-error-code')).toBe('Error.Request.TooLarge');
  });

  it('forwards a MessagePack payload of prepared records to each connection in its protocol', async () => {
    const hub = hubName();
    const json = await connected(hub, { protocol: 'json' });
    const binary = await connected(hub, { protocol: 'messagepack' });
    const [jsonHeard, binaryHeard] = [record(json, 'Prepared'), record(binary, 'Prepared')];
    const invocation = { type: 1 as const, target: 'Prepared', arguments: ['bytes', 7] };
    const payload = encode({
      json: jsonHubProtocol.write(invocation),
      messagepack: messagePackHubProtocol.write(invocation),
    });
    const res = await rest(shop.url, 'POST', `/api/hubs/${hub}/:send?api-version=2022-06-01`, {
      raw: Buffer.from(payload),
      headers: { 'content-type': 'application/x-msgpack' },
    });
    expect(res.status).toBe(202);
    // Only a JSON record: MessagePack connections get it serialised from that.
    const onlyJson = encode({ json: jsonHubProtocol.write({ ...invocation, arguments: ['json only'] }) });
    expect(
      (
        await rest(shop.url, 'POST', `/api/hubs/${hub}/:send?api-version=2022-06-01`, {
          raw: Buffer.from(onlyJson),
          headers: { 'content-type': 'application/octet-stream' },
        })
      ).status,
    ).toBe(202);
    await eventually(() => {
      expect(jsonHeard).toEqual([['bytes', 7], ['json only']]);
      expect(binaryHeard).toEqual([['bytes', 7], ['json only']]);
    });
    const broken = encode({ json: Buffer.from('{"type":1,"target":"x","arguments":[]}') });
    const refused = await rest(shop.url, 'POST', `/api/hubs/${hub}/:send?api-version=2022-06-01`, {
      raw: Buffer.from(broken),
      headers: { 'content-type': 'application/x-msgpack' },
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { errors: unknown[] }).errors).toEqual([
      expect.objectContaining({ path: 'body.json' }),
    ]);
  });
});

describe('names and routes', () => {
  it('answers 400 naming each bad name, 404 for an unknown route and 405 with Allow for a wrong method', async () => {
    const bad = await rest(
      shop.url,
      'POST',
      `/api/hubs/9lives/groups/${encodeURIComponent('   ')}/:send?api-version=2022-06-01`,
      {
        body: { target: 'Note' },
      },
    );
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: Array<{ path: string }> }).errors.map((e) => e.path)).toEqual([
      'path.hub',
      'path.group',
    ]);
    const ttl = await rest(shop.url, 'PUT', '/api/hubs/chat/users/ada/groups/g?ttl=soon&api-version=2022-06-01');
    expect(ttl.status).toBe(400);
    expect(((await ttl.json()) as { errors: Array<{ path: string }> }).errors.map((e) => e.path)).toEqual([
      'query.ttl',
    ]);
    const unknown = await rest(shop.url, 'GET', '/api/hubs/chat/nowhere/at/all/really');
    expect(unknown.status).toBe(404);
    const wrongVerb = await rest(shop.url, 'PATCH', '/api/v1/hubs/chat');
    expect(wrongVerb.status).toBe(405);
    expect(wrongVerb.headers.get('allow')).toBe('POST');
  });

  it('treats hub names case-insensitively and honours application=', async () => {
    const client = await connected('shop_chat');
    const heard = record(client, 'Note');
    expect(
      (
        await rest(shop.url, 'POST', '/api/hubs/Chat/:send?application=SHOP&api-version=2022-06-01', {
          body: { target: 'Note', arguments: ['app'] },
        })
      ).status,
    ).toBe(202);
    expect(
      (await rest(shop.url, 'POST', '/api/v1/hubs/SHOP_CHAT', { body: { target: 'Note', arguments: ['upper'] } }))
        .status,
    ).toBe(202);
    await eventually(() => expect(heard).toEqual([['app'], ['upper']]));
  });

  it('accepts any hub name as Azure does: a send to a hub nobody joined is accepted, its existence checks are 404', async () => {
    const hub = hubName();
    expect((await rest(shop.url, 'POST', `/api/v1/hubs/${hub}`, { body: { target: 'Note' } })).status).toBe(202);
    const res = await rest(shop.url, 'GET', `/api/hubs/${hub}/groups/anyone?api-version=2022-06-01`);
    expect(res.status).toBe(404);
    expect(res.headers.get('x-ms-error-code')).toBe('Warning.Group.NotExisted');
  });

  it("reaches the shop's own hubs: a send to the inventory hub reaches /hubs/inventory clients", async () => {
    const client = hubClient(`${shop.url}/hubs/inventory`, { transport: 'LongPolling' });
    await client.start();
    open.push(client);
    const next = nextInvocation(client, 'Announcement');
    expect(
      (
        await rest(shop.url, 'POST', '/api/hubs/inventory/:send?api-version=2022-06-01', {
          body: { target: 'Announcement', arguments: ['sale'] },
        })
      ).status,
    ).toBe(202);
    expect(await next).toEqual(['sale']);
  });
});

describe('existence checks', () => {
  const expectCheck = async (path: string, status: number, code?: string) => {
    for (const method of ['HEAD', 'GET']) {
      const res = await rest(shop.url, method, path);
      expect([method, path, res.status, res.headers.get('x-ms-error-code')]).toEqual([
        method,
        path,
        status,
        code ?? null,
      ]);
    }
  };

  it('answer 200 or 404 with the code the Management SDK expects, in both styles', async () => {
    const hub = hubName();
    const ada = await connected(hub, { userId: 'ada' });
    const v = '?api-version=2022-06-01';
    await expectCheck(`/api/hubs/${hub}/connections/${idOf(ada)}${v}`, 200);
    await expectCheck(`/api/hubs/${hub}/connections/nobody${v}`, 404, 'Warning.Connection.NotExisted');
    await expectCheck(`/api/v1/hubs/${hub}/connections/nobody`, 404, 'Warning.Connection.NotExisted');
    await expectCheck(`/api/hubs/${hub}/users/ada${v}`, 200);
    await expectCheck(`/api/v1/hubs/${hub}/users/grace`, 404, 'Warning.User.NotExisted');
    await expectCheck(`/api/hubs/${hub}/groups/red${v}`, 404, 'Warning.Group.NotExisted');
    expect((await rest(shop.url, 'PUT', `/api/v1/hubs/${hub}/groups/red/connections/${idOf(ada)}`)).status).toBe(200);
    await expectCheck(`/api/hubs/${hub}/groups/red${v}`, 200);
    await expectCheck(`/api/v1/hubs/${hub}/groups/red`, 200);
    const missing = await rest(shop.url, 'PUT', `/api/hubs/${hub}/groups/red/connections/nobody${v}`);
    expect([missing.status, missing.headers.get('x-ms-error-code')]).toEqual([404, 'Error.Connection.NotExisted']);
    expect((await rest(shop.url, 'DELETE', `/api/hubs/${hub}/groups/red/connections/${idOf(ada)}${v}`)).status).toBe(
      200,
    );
    expect((await rest(shop.url, 'DELETE', `/api/hubs/${hub}/groups/red/connections/nobody${v}`)).status).toBe(200);
    await expectCheck(`/api/hubs/${hub}/groups/red${v}`, 404, 'Warning.Group.NotExisted');
    await expectCheck(`/api/hubs/${hub}/users/ada/groups/red${v}`, 404, 'Info.User.NotInGroup');
  });
});

describe('user groups', () => {
  it('put a user in a group with the connections they have and open later, until removed', async () => {
    const hub = hubName();
    const v = '?api-version=2022-06-01';
    const first = await connected(hub, { userId: 'ada' });
    const firstHeard = record(first, 'Group');
    expect((await rest(shop.url, 'PUT', `/api/hubs/${hub}/users/ada/groups/blue${v}`)).status).toBe(200);
    expect((await rest(shop.url, 'HEAD', `/api/hubs/${hub}/users/ada/groups/blue${v}`)).status).toBe(200);
    expect((await rest(shop.url, 'GET', `/api/v1/hubs/${hub}/groups/blue/users/ada`)).status).toBe(200);
    const later = await connected(hub, { userId: 'ada', transport: 'ServerSentEvents' });
    const laterHeard = record(later, 'Group');
    await rest(shop.url, 'POST', `/api/hubs/${hub}/groups/blue/:send${v}`, {
      body: { target: 'Group', arguments: ['one'] },
    });
    await eventually(() => {
      expect(firstHeard).toEqual([['one']]);
      expect(laterHeard).toEqual([['one']]);
    });
    expect((await rest(shop.url, 'DELETE', `/api/hubs/${hub}/users/ada/groups/blue${v}`)).status).toBe(204);
    await rest(shop.url, 'POST', `/api/hubs/${hub}/groups/blue/:send${v}`, {
      body: { target: 'Group', arguments: ['two'] },
    });
    expect((await rest(shop.url, 'HEAD', `/api/hubs/${hub}/users/ada/groups/blue${v}`)).status).toBe(404);
    await rest(shop.url, 'POST', `/api/hubs/${hub}/users/ada/:send${v}`, {
      body: { target: 'Group', arguments: ['marker'] },
    });
    await eventually(() => expect(laterHeard).toEqual([['one'], ['marker']]));
    expect(firstHeard).toEqual([['one'], ['marker']]);
  });

  it('with ttl=0 adds only the connections the user has now; removing from all groups takes them out', async () => {
    const hub = hubName();
    const now = await connected(hub, { userId: 'grace' });
    const nowHeard = record(now, 'Group');
    expect((await rest(shop.url, 'PUT', `/api/v1/hubs/${hub}/groups/green/users/grace?ttl=0`)).status).toBe(202);
    expect((await rest(shop.url, 'HEAD', `/api/v1/hubs/${hub}/groups/green/users/grace`)).status).toBe(404);
    const later = await connected(hub, { userId: 'grace' });
    const laterHeard = record(later, 'Group');
    await rest(shop.url, 'POST', `/api/v1/hubs/${hub}/groups/green`, {
      body: { target: 'Group', arguments: ['now only'] },
    });
    await eventually(() => expect(nowHeard).toEqual([['now only']]));
    expect((await rest(shop.url, 'DELETE', `/api/hubs/${hub}/users/grace/groups?api-version=2022-06-01`)).status).toBe(
      204,
    );
    expect((await rest(shop.url, 'GET', `/api/hubs/${hub}/groups/green?api-version=2022-06-01`)).status).toBe(404);
    await rest(shop.url, 'POST', `/api/v1/hubs/${hub}`, { body: { target: 'Group', arguments: ['all'] } });
    await eventually(() => expect(laterHeard).toEqual([['all']]));
    expect(nowHeard).toEqual([['now only'], ['all']]);
  });
});

describe('closing connections', () => {
  const closed = (connection: HubConnection) =>
    new Promise<Error | undefined>((resolve) => connection.onclose((error) => resolve(error)));

  it('closes one connection with its reason, and answers 404 for one that is gone', async () => {
    const hub = hubName();
    const client = await connected(hub);
    const ended = closed(client);
    const id = idOf(client);
    const res = await rest(
      shop.url,
      'DELETE',
      `/api/hubs/${hub}/connections/${id}?reason=maintenance&api-version=2022-06-01`,
    );
    expect(res.status).toBe(200);
    expect(String(await ended)).toContain('maintenance');
    await eventually(async () => {
      const again = await rest(shop.url, 'DELETE', `/api/v1/hubs/${hub}/connections/${id}`);
      expect([again.status, again.headers.get('x-ms-error-code')]).toEqual([404, 'Warning.Connection.NotExisted']);
    });
  });

  it('closes a group, a user, and the whole hub but the excluded', async () => {
    const hub = hubName();
    const v = 'api-version=2022-06-01';
    const [inGroup, ofUser, kept, rest1] = [
      await connected(hub),
      await connected(hub, { userId: 'linus' }),
      await connected(hub),
      await connected(hub, { transport: 'LongPolling' }),
    ];
    const ends = [inGroup, ofUser, kept, rest1].map(closed);
    await rest(shop.url, 'PUT', `/api/hubs/${hub}/connections/${idOf(inGroup)}/groups/doomed?${v}`);
    expect((await rest(shop.url, 'POST', `/api/hubs/${hub}/groups/doomed/:closeConnections?${v}`)).status).toBe(204);
    await ends[0];
    expect(
      (await rest(shop.url, 'POST', `/api/hubs/${hub}/users/linus/:closeConnections?${v}&reason=bye`)).status,
    ).toBe(204);
    expect(String(await ends[1])).toContain('bye');
    expect(
      (await rest(shop.url, 'POST', `/api/hubs/${hub}/:closeConnections?${v}&excluded=${idOf(kept)}`)).status,
    ).toBe(204);
    await ends[3];
    expect(kept.state).toBe('Connected');
  });
});

describe('tokens for clients', () => {
  it('issues a client token with :generateToken that the client endpoint accepts, naming the user', async () => {
    const hub = hubName();
    const res = await rest(
      shop.url,
      'POST',
      `/api/hubs/${hub}/:generateToken?userId=ada&minutesToExpire=5&api-version=2022-11-01`,
    );
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };
    const client = hubClient(`${shop.url}/client/?hub=${hub}`, { token });
    await client.start();
    open.push(client);
    const next = nextInvocation(client, 'Note');
    await rest(shop.url, 'POST', `/api/hubs/${hub}/users/ada/:send?api-version=2022-06-01`, {
      body: { target: 'Note', arguments: ['for ada'] },
    });
    expect(await next).toEqual(['for ada']);
    const bad = await rest(
      shop.url,
      'POST',
      `/api/hubs/${hub}/:generateToken?minutesToExpire=0&api-version=2022-11-01`,
    );
    expect(bad.status).toBe(400);
    expect(accessKey).toBeTruthy();
  });
});
