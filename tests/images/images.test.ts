// Every service's image, run as the chart runs it: its own non-root user, a read-only root filesystem with a tmpfs on
// /tmp (the chart's emptyDir), production settings, and no network at all. It must answer its health check, stop
// within 2 s of SIGTERM, and stay small.
import { bundleableServices } from '../../tools/bundle-service';
import { podman, testTag } from './support/podman';

const meshToken = 'images-test-mesh-token-0123456789abcdef';
const secret = 'images-test-secret-0123456789abcdefghij';
/** What each service needs to start in production, as the chart's Deployments give it (secrets made up here). */
const sidecarEnvironment = {
  SHOP_DATA_DIR: '/tmp',
  JWKS_URL: 'http://identity:3000/api/auth/jwks',
  APP_API_TOKEN: meshToken,
  DAPR_API_TOKEN: `${meshToken}-dapr`,
};
const environmentOf: Record<string, Record<string, string>> = {
  identity: { JWT_KEYS_SECRET: secret, SHOP_ADMIN_EMAIL: 'admin@example.com', SHOP_ADMIN_PASSWORD: secret },
  payments: { CARD_FINGERPRINT_SECRET: secret },
  hub: { HUB_ACCESS_KEY: secret, HUB_ENDPOINT: 'http://hub:3000' },
  notifications: { SMTP_URL: 'smtp://mail.example.com:25', MAIL_FROM: 'shop@example.com' },
  edge: { SHOP_DATA_DIR: '/tmp' },
  gateway: {},
};

const services = bundleableServices();
const sizes: Record<string, number> = {};
const stopTimes: Record<string, number> = {};

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

afterAll(() => {
  console.log(
    services
      .map((s) => `shop-${s}: ${((sizes[s] ?? 0) / 1e6) | 0} MB, stopped ${stopTimes[s] ?? '?'} ms after SIGTERM`)
      .join('\n'),
  );
});

describe.each(services)('the %s image', (service) => {
  const image = `localhost/shop-${service}:${testTag}`;
  const name = `shop-images-test-${service}`;

  afterAll(() => {
    podman('rm', '--force', '--time', '0', name);
  });

  it('starts as a non-root user on a read-only root filesystem without network, and answers its health check', async () => {
    podman('rm', '--force', '--time', '0', name);
    const environment = { ...(environmentOf[service] ?? sidecarEnvironment) };
    const started = podman(
      'run',
      '--detach',
      '--name',
      name,
      '--read-only',
      '--tmpfs',
      '/tmp:rw,size=64m',
      '--network',
      'none',
      ...Object.entries(environment).flatMap(([key, value]) => ['--env', `${key}=${value}`]),
      image,
    );
    expect(started.stderr).toBe('');
    expect(started.status).toBe(0);
    // The image's own HEALTHCHECK (Docker format keeps it): node fetching /healthz inside the container.
    await until(
      `${service} healthy`,
      () => {
        const running = podman('inspect', '--format', '{{.State.Running}}', name).stdout === 'true';
        if (!running) throw new Error(`${service} exited:\n${podman('logs', name).stderr}`);
        return podman('healthcheck', 'run', name).status === 0;
      },
      60_000,
    );
    const uid = podman('exec', name, 'node', '-p', 'process.getuid()').stdout;
    expect(Number(uid)).toBeGreaterThan(0);
    const write = podman('exec', name, 'node', '-e', "require('fs').writeFileSync('/app/planted', 'x')");
    expect(write.status).not.toBe(0);
    expect(write.stderr).toContain('EROFS');
    expect(podman('inspect', '--format', '{{.HostConfig.NetworkMode}}', name).stdout).toBe('none');
  }, 90_000);

  it('stops within 2 s of SIGTERM, by itself', () => {
    const sent = Date.now();
    // Ten seconds before a SIGKILL: an exit code of 0 says the service shut down on SIGTERM alone.
    expect(podman('stop', '--time', '10', name).status).toBe(0);
    stopTimes[service] = Date.now() - sent;
    expect(podman('inspect', '--format', '{{.State.ExitCode}}', name).stdout).toBe('0');
    expect(stopTimes[service]).toBeLessThan(2000);
  });

  it('reports its size', () => {
    sizes[service] = Number(podman('image', 'inspect', '--format', '{{.Size}}', image).stdout);
    expect(sizes[service]).toBeGreaterThan(0);
  });
});
