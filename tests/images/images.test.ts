// Every service's image, run as the chart runs it: its own non-root user, a read-only root filesystem with a tmpfs on
// /tmp (the chart's emptyDir), production settings, and no network at all. It must answer its health check, stop
// within 2 s of SIGTERM, and stay small.
import { bundleableServices } from '../../tools/bundle-service';
import { podman, testTag } from './support/podman';

const meshToken = 'images-test-mesh-token-0123456789abcdef';
const secret = 'images-test-secret-0123456789abcdefghij';
const services = bundleableServices();
const standalone = services.filter((service) => service !== 'edge' && service !== 'gateway');

/** What each service needs to start in production, as the chart's Deployments give it (the secrets made up here). */
const ownEnvironment: Record<string, Record<string, string>> = {
  identity: { JWT_KEYS_SECRET: secret, SHOP_ADMIN_EMAIL: 'admin@example.com', SHOP_ADMIN_PASSWORD: secret },
  payments: { CARD_FINGERPRINT_SECRET: secret },
  hub: { HUB_ACCESS_KEY: secret, HUB_ENDPOINT: 'http://hub:3000' },
  notifications: { SMTP_URL: 'smtp://mail.example.com:25', MAIL_FROM: 'shop@example.com' },
};
/** Beside a daprd (none here: /healthz is the process's own liveness), SQLite in the tmpfs for want of DATABASE_URL. */
const sidecarEnvironment = {
  SHOP_DATA_DIR: '/tmp',
  JWKS_URL: 'http://identity:3000/api/auth/jwks',
  APP_API_TOKEN: meshToken,
  DAPR_API_TOKEN: `${meshToken}-dapr`,
};
function environmentOf(service: string): Record<string, string> {
  if (service === 'gateway') {
    return Object.fromEntries(standalone.map((name) => [`UPSTREAM_${name.toUpperCase()}`, `http://${name}:3000`]));
  }
  // The whole platform in one process needs every service's secrets.
  if (service === 'edge') return Object.assign({ SHOP_DATA_DIR: '/tmp' }, ...Object.values(ownEnvironment));
  return { ...sidecarEnvironment, ...ownEnvironment[service] };
}

const sizes: Record<string, number> = {};
const stopTimes: Record<string, number> = {};
const startingStopTimes: Record<string, number> = {};

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
      .map(
        (s) =>
          `shop-${s}: ${((sizes[s] ?? 0) / 1e6) | 0} MB, stopped ${stopTimes[s] ?? '?'} ms after SIGTERM (${startingStopTimes[s] ?? '?'} ms while starting)`,
      )
      .join('\n'),
  );
});

/** `podman run` as the chart runs the service: its user, a read-only root filesystem, a tmpfs on /tmp; no network. */
function runArguments(service: string, name: string): string[] {
  return [
    'run',
    '--detach',
    '--name',
    name,
    '--read-only',
    '--tmpfs',
    '/tmp:rw,size=64m',
    '--network',
    'none',
    // The check runs on demand below: Podman's timers for it need systemd, which these machines lack.
    '--health-interval',
    'disable',
    ...Object.entries(environmentOf(service)).flatMap(([key, value]) => ['--env', `${key}=${value}`]),
    `localhost/shop-${service}:${testTag}`,
  ];
}

describe.each(services)('the %s image', (service) => {
  const image = `localhost/shop-${service}:${testTag}`;
  const name = `shop-images-test-${service}`;

  afterAll(() => {
    podman('rm', '--force', '--time', '0', name);
  });

  it('starts as a non-root user on a read-only root filesystem without network, and answers its health check', async () => {
    podman('rm', '--force', '--time', '0', name);
    const started = podman(...runArguments(service, name));
    expect(started).toMatchObject({ status: 0 });
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

  it('stops within 2 s of SIGTERM while still starting, too', () => {
    podman('rm', '--force', '--time', '0', name);
    const run = podman(...runArguments(service, name));
    expect(run).toMatchObject({ status: 0 });
    const sent = Date.now();
    expect(podman('stop', '--time', '10', name).status).toBe(0);
    startingStopTimes[service] = Date.now() - sent;
    // Killed by the signal (143) or shut down (0), but not by the SIGKILL that follows an ignored SIGTERM (137).
    expect(podman('inspect', '--format', '{{.State.ExitCode}}', name).stdout).not.toBe('137');
    expect(startingStopTimes[service]).toBeLessThan(2000);
  });

  it('stays under 250 MB, its size reported', () => {
    sizes[service] = Number(podman('image', 'inspect', '--format', '{{.Size}}', image).stdout);
    // The goal is 200 MB, not met: Node's binary alone is 122 MB (docs/operations.md). This bound catches what would
    // undo the runtime stage: the whole production node_modules (over 400 MB) or the Node image as the base (283 MB).
    expect(sizes[service]).toBeGreaterThan(100e6);
    expect(sizes[service]).toBeLessThan(250e6);
  });
});
