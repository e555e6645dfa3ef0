import { ConfigError, loadConfig } from '@shop/kit';
import { hubConfigSchema, hubServerOptions } from '../../src/config';

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
