import { QueryBuilder } from 'typeorm';

/**
 * TypeORM turns the property names of every statement it builds into column names by building a map of every
 * column of every alias and a new regular expression over them, then running it over the whole SQL text, on every
 * call (4.5% of the embedded platform's CPU under the orders bench, with escaping the regular expression). The
 * answer depends only on the SQL text, the aliases' entities and names, the prefixing setting and the driver's
 * quoting, so it is kept per those: a statement built again (nearly every statement a service runs is one it ran
 * before) costs a lookup. Kept per query shape and bounded: a service's statements are a few hundred texts.
 */
const maxTexts = 2_000;
const texts = new Map<string, string>();
const entityIds = new WeakMap<object, number>();
let patched = false;

interface Alias {
  name: string;
  hasMetadata: boolean;
  metadata: object;
}
interface Internals {
  expressionMap: { aliases: Alias[]; aliasNamePrefixingEnabled: boolean };
  connection: { driver: { options: { type: string } } };
}

export function cacheQueryTexts(): void {
  if (patched) return;
  patched = true;
  const prototype = QueryBuilder.prototype as unknown as {
    replacePropertyNamesForTheWholeQuery(this: Internals, statement: string): string;
  };
  const replace = prototype.replacePropertyNamesForTheWholeQuery;
  prototype.replacePropertyNamesForTheWholeQuery = function (this: Internals, statement: string): string {
    const key = keyOf(this, statement);
    const known = texts.get(key);
    if (known !== undefined) return known;
    const text = replace.call(this, statement);
    if (texts.size >= maxTexts) texts.clear();
    texts.set(key, text);
    return text;
  };
}

function keyOf(builder: Internals, statement: string): string {
  let key = `${builder.connection.driver.options.type}\u0000${builder.expressionMap.aliasNamePrefixingEnabled}`;
  for (const alias of builder.expressionMap.aliases) {
    if (!alias.hasMetadata) continue;
    key += `\u0000${alias.name}\u0000${entityIdOf(alias.metadata)}`;
  }
  return `${key}\u0001${statement}`;
}

let nextEntityId = 0;
function entityIdOf(metadata: object): number {
  let id = entityIds.get(metadata);
  if (id === undefined) {
    id = nextEntityId++;
    entityIds.set(metadata, id);
  }
  return id;
}
