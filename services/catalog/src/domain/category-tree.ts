export interface Category {
  id: string;
  name: string;
  /** null for a root. */
  parentId: string | null;
}

export interface CategoryNode extends Category {
  children: CategoryNode[];
}

const byName = (a: Category, b: Category) => {
  const left = a.name.toLowerCase();
  const right = b.name.toLowerCase();
  if (left !== right) return left < right ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
};

/** The forest of categories, roots at the top, siblings ordered by name. */
export function categoryTree(categories: Category[]): CategoryNode[] {
  const nodes = new Map<string, CategoryNode>();
  for (const category of [...categories].sort(byName)) {
    nodes.set(category.id, { id: category.id, name: category.name, parentId: category.parentId, children: [] });
  }
  const roots: CategoryNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId === null ? undefined : nodes.get(node.parentId);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

/** The category and all its descendants; empty when there is no such category. */
export function subtreeIds(categories: Category[], rootId: string): string[] {
  const children = new Map<string, string[]>();
  let exists = false;
  for (const category of categories) {
    if (category.id === rootId) exists = true;
    if (category.parentId === null) continue;
    const siblings = children.get(category.parentId) ?? [];
    siblings.push(category.id);
    children.set(category.parentId, siblings);
  }
  if (!exists) return [];
  const found = new Set<string>([rootId]);
  const pending = [rootId];
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    for (const child of children.get(id) ?? []) {
      // The set also guards against a cycle someone wrote into the table by hand.
      if (!found.has(child)) {
        found.add(child);
        pending.push(child);
      }
    }
  }
  return [...found];
}

/** True when putting `categoryId` under `newParentId` would make it its own ancestor. */
export function wouldCreateCycle(categories: Category[], categoryId: string, newParentId: string): boolean {
  const parentOf = new Map(categories.map((category) => [category.id, category.parentId]));
  const seen = new Set<string>();
  for (let id: string | null | undefined = newParentId; id; id = parentOf.get(id)) {
    if (id === categoryId) return true;
    if (seen.has(id)) return true; // already a cycle above the new parent: refuse rather than extend it
    seen.add(id);
  }
  return false;
}
