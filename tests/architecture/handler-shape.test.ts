import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type BindingIdentifier, parseSync } from '@swc/core';

// Every application handler has one shape, handler(ctx: HandlerContext, input, deps): routes, subscriptions and
// jobs call use cases the same way in every service. The functions below are exported from application/ but are
// not use cases: event builders (pure, they make an envelope) and steps shared by a service's own use cases,
// which run inside the caller's transaction with what the use case already holds.
const notHandlers: Record<string, string[]> = {
  catalog: ['productCreated', 'productUpdated', 'productDeleted'],
  orders: ['orderPlaced', 'statusChanged'],
  inventory: ['emit', 'announceLevels', 'rejectionFor', 'reservationJustChanged'],
  payments: ['claimOrderPayment', 'refundCaptured'],
  cart: ['cartCheckedOut'],
  recommendations: ['rankedNeighbours'],
};

const repo = resolve(__dirname, '../..');

/** Names of the exported functions in `source` that are not handler(ctx: HandlerContext, input, deps). */
function misshapenHandlers(source: string): string[] {
  // swc's parser, the one jest already compiles with: TypeScript 7's compiler has no JavaScript API.
  const module = parseSync(source, { syntax: 'typescript' });
  const misshapen: string[] = [];
  for (const item of module.body) {
    if (item.type !== 'ExportDeclaration' || item.declaration.type !== 'FunctionDeclaration') continue;
    const { identifier, params } = item.declaration;
    const [ctx] = params;
    const pattern = ctx?.pat;
    const annotation =
      pattern?.type === 'Identifier' ? (pattern as BindingIdentifier).typeAnnotation?.typeAnnotation : undefined;
    const ctxIsHandlerContext =
      annotation?.type === 'TsTypeReference' &&
      annotation.typeName.type === 'Identifier' &&
      annotation.typeName.value === 'HandlerContext';
    if (params.length !== 3 || !ctxIsHandlerContext) misshapen.push(identifier.value);
  }
  return misshapen;
}

function applicationFiles(): Array<{ service: string; path: string }> {
  const services = readdirSync(join(repo, 'services'), { withFileTypes: true }).filter((entry) => entry.isDirectory());
  return services.flatMap(({ name: service }) => {
    const dir = join(repo, 'services', service, 'src/application');
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return []; // a service without an application layer (the hub, the edge)
    }
    return names.filter((name) => name.endsWith('.ts')).map((name) => ({ service, path: join(dir, name) }));
  });
}

describe('application handlers', () => {
  it('all take (ctx: HandlerContext, input, deps), apart from the event builders and shared steps', () => {
    const files = applicationFiles();
    expect(files.length).toBeGreaterThan(40);
    const misshapen = files.flatMap(({ service, path }) =>
      misshapenHandlers(readFileSync(path, 'utf8'))
        .filter((name) => !notHandlers[service]?.includes(name))
        .map((name) => `${service}: ${name} (${path.slice(repo.length + 1)})`),
    );
    expect(misshapen).toEqual([]);
  });

  it('the check reports the shapes handlers used to have', () => {
    const source = [
      "import type { HandlerContext } from '@shop/kit';",
      'export async function depsFirst(deps: Deps, input: Input) {}',
      'export async function positional(customerId: string, addressId: string, deps: Deps) {}',
      'export async function storeFirst(store: Store, input: Input, deps: Deps) {}',
      'export async function noDeps(ctx: HandlerContext, input: Input) {}',
      'export async function shaped(ctx: HandlerContext, input: Input, deps: Deps) {}',
      'async function unexported(deps: Deps) {}',
    ].join('\n');
    expect(misshapenHandlers(source)).toEqual(['depsFirst', 'positional', 'storeFirst', 'noDeps']);
  });
});
