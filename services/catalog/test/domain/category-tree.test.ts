import { type Category, categoryTree, subtreeIds, wouldCreateCycle } from '../../src/domain/category-tree';

const c = (id: string, parentId: string | null, name = id): Category => ({ id, name, parentId });
//  a ─ b ─ c        d
//   └─ e
const categories = [c('a', null), c('b', 'a'), c('c', 'b'), c('e', 'a'), c('d', null)];

describe('the category tree', () => {
  it('nests children under their parents, siblings by name then id', () => {
    const tree = categoryTree([c('2', null, 'beta'), c('1', null, 'Alpha'), c('3', '1', 'x'), c('0', null, 'beta')]);
    expect(tree.map((node) => node.id)).toEqual(['1', '0', '2']);
    expect(tree[0]?.children.map((node) => node.id)).toEqual(['3']);
  });

  it('treats a category whose parent is missing as a root rather than losing it', () => {
    expect(categoryTree([c('x', 'gone')]).map((node) => node.id)).toEqual(['x']);
  });

  it('finds a subtree: the category and every descendant', () => {
    expect(subtreeIds(categories, 'a').sort()).toEqual(['a', 'b', 'c', 'e']);
    expect(subtreeIds(categories, 'b').sort()).toEqual(['b', 'c']);
    expect(subtreeIds(categories, 'd')).toEqual(['d']);
    expect(subtreeIds(categories, 'nope')).toEqual([]);
  });

  it('terminates on a cycle written by hand', () => {
    expect(subtreeIds([c('x', 'y'), c('y', 'x')], 'x').sort()).toEqual(['x', 'y']);
    expect(wouldCreateCycle([c('x', 'y'), c('y', 'x'), c('z', null)], 'z', 'x')).toBe(true);
  });

  it('sees a cycle when a category would move under itself or a descendant', () => {
    expect(wouldCreateCycle(categories, 'a', 'a')).toBe(true);
    expect(wouldCreateCycle(categories, 'a', 'b')).toBe(true);
    expect(wouldCreateCycle(categories, 'a', 'c')).toBe(true);
    expect(wouldCreateCycle(categories, 'b', 'e')).toBe(false);
    expect(wouldCreateCycle(categories, 'a', 'd')).toBe(false);
    expect(wouldCreateCycle(categories, 'c', 'a')).toBe(false);
  });
});
