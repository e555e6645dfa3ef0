import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ConfigError, createLogger, loadConfig, runEmbedded } from '@shop/kit';
import { developmentAccessKey, hubConfigSchema, hubEndpointOf, hubServerOptions } from '../../src/config';
import { hubService } from '../../src/service';

describe('hub settings', () => {
  it('default to ASP.NET Core SignalR', () => {
    const options = hubServerOptions(loadConfig(hubConfigSchema, {}));
    expect(options).toEqual(
      expect.objectContaining({
        keepAliveIntervalMs: 15_000,
        clientTimeoutMs: 30_000,
        handshakeTimeoutMs: 15_000,
        longPollTimeoutMs: 90_000,
        maxMessageBytes: 32_768,
        statefulReconnect: true,
        statefulReconnectBufferBytes: 100_000,
        allowedOrigins: '*',
      }),
    );
  });

  it('read HUB_* variables, origins as a list', () => {
    const config = loadConfig(hubConfigSchema, {
      HUB_KEEP_ALIVE_INTERVAL_MS: '5000',
      HUB_STATEFUL_RECONNECT: 'false',
      HUB_CORS_ORIGINS: 'https://shop.example, http://localhost:3000/',
    });
    expect(hubServerOptions(config)).toEqual(
      expect.objectContaining({
        keepAliveIntervalMs: 5_000,
        statefulReconnect: false,
        allowedOrigins: ['https://shop.example', 'http://localhost:3000'],
      }),
    );
  });

  it('name every bad variable', () => {
    let caught: unknown;
    try {
      loadConfig(hubConfigSchema, {
        HUB_LONG_POLL_TIMEOUT_MS: '120000',
        HUB_CORS_ORIGINS: 'shop.example',
        HUB_CLIENT_TIMEOUT_MS: 'soon',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    for (const name of ['HUB_LONG_POLL_TIMEOUT_MS', 'HUB_CORS_ORIGINS', 'HUB_CLIENT_TIMEOUT_MS']) {
      expect(problems).toContain(name);
    }
  });
});

describe('the access key and the connection string', () => {
  const problemsOf = (env: Record<string, string>) => {
    try {
      loadConfig(hubConfigSchema, env);
      return [];
    } catch (error) {
      return (error as ConfigError).problems;
    }
  };

  it('has a documented development default, and none in production', () => {
    expect(loadConfig(hubConfigSchema, {}).HUB_ACCESS_KEY).toBe(developmentAccessKey);
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([expect.stringContaining('HUB_ACCESS_KEY')]);
    expect(problemsOf({ NODE_ENV: 'production', HUB_ACCESS_KEY: 'a-production-access-key' })).toEqual([]);
    expect(problemsOf({ HUB_ACCESS_KEY: 'short' })).toEqual([expect.stringContaining('HUB_ACCESS_KEY')]);
  });

  it("puts the platform's port in the Endpoint unless HUB_ENDPOINT names one", () => {
    expect(hubEndpointOf(loadConfig(hubConfigSchema, {}))).toBe('http://localhost:8080');
    expect(hubEndpointOf(loadConfig(hubConfigSchema, { PORT: '9090' }))).toBe('http://localhost:9090');
    expect(hubEndpointOf(loadConfig(hubConfigSchema, { HUB_ENDPOINT: 'http://hub.shop.svc:80/' }))).toBe(
      'http://hub.shop.svc:80',
    );
    expect(problemsOf({ HUB_REDIS_HOST: 'redis://x/0', HUB_BACKPLANE_PREFIX: 'a b' })).toHaveLength(2);
  });

  it.each([
    ['development', `Endpoint=http://localhost:7777;AccessKey=${developmentAccessKey};Version=1.0;`],
    ['production', 'Endpoint=http://localhost:7777;AccessKey=<HUB_ACCESS_KEY>;Version=1.0;'],
  ])('is printed at start (%s: the key hidden in production)', async (nodeEnv, expected) => {
    const lines: string[] = [];
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n')));
    const platform = await runEmbedded([hubService], {
      env: {
        NODE_ENV: nodeEnv,
        PORT: '0',
        HUB_ENDPOINT: 'http://localhost:7777',
        HUB_ACCESS_KEY: developmentAccessKey,
        SHOP_DATA_DIR: mkdtempSync(join(tmpdir(), 'hub-start-')),
        JWKS_URL: 'http://127.0.0.1:1/jwks',
      },
      log: createLogger({ name: 'hub-start', level: 'info', stream }),
    });
    await platform.shutdown();
    expect(lines.some((line) => line.includes(`Azure SignalR connection string: ${expected}`))).toBe(true);
  });
});
