import { type ApiRoutes, handlerContext, problem } from '@shop/kit';
import { type ChangeCategory, changeCategory } from '../application/change-category';
import { type CreateCategory, createCategory } from '../application/create-category';
import { deleteCategory } from '../application/delete-category';
import { listCategories } from '../application/list-categories';
import type { CatalogDeps } from '../application/ports';
import type { Category } from '../domain/category-tree';
import { pathId } from './path-ids';
import { invalidField, notFound } from './problems';
import { categoryTree, categoryView, changeCategoryBody, createCategoryBody, idParams } from './schemas';

const unknownParent = () => invalidField('body.parentId', 'parentId names no category');
const view = ({ id, name, parentId }: Category) => ({ id, name, parentId });
const adminProblems = {
  401: { description: 'No valid access token' },
  403: { description: 'The caller is not an admin' },
};

export function categoryRoutes(api: ApiRoutes, deps: CatalogDeps): void {
  api.get(
    '/api/categories',
    {
      summary: 'The category tree',
      access: 'anyone',
      responses: { 200: { description: 'Top-level categories, each with its children', body: categoryTree } },
    },
    async (ctx) => {
      ctx.body = await listCategories(handlerContext(ctx), {}, deps);
    },
  );

  api.post(
    '/api/categories',
    {
      summary: 'Create a category',
      access: 'admin',
      request: { body: createCategoryBody },
      responses: {
        201: { description: 'The category', body: categoryView },
        400: { description: 'Invalid body; an unknown parentId is body.parentId' },
        ...adminProblems,
      },
    },
    async (ctx) => {
      const result = await createCategory(handlerContext(ctx), ctx.request.body as CreateCategory, deps);
      if (!result.ok) throw unknownParent();
      ctx.status = 201;
      ctx.set('Location', `/api/categories/${result.category.id}`);
      ctx.body = view(result.category);
    },
  );

  api.patch(
    '/api/categories/:id',
    {
      summary: 'Rename and/or move a category',
      access: 'admin',
      request: { params: idParams, body: changeCategoryBody },
      responses: {
        200: { description: 'The category', body: categoryView },
        400: { description: 'Invalid body; an unknown parentId is body.parentId' },
        ...adminProblems,
        404: { description: 'No such category' },
        409: { description: 'The move would put the category under itself or one of its descendants' },
      },
    },
    async (ctx) => {
      const id = pathId(ctx.params.id);
      if (id === undefined) throw notFound('category');
      const result = await changeCategory(
        handlerContext(ctx),
        { id, ...(ctx.request.body as Omit<ChangeCategory, 'id'>) },
        deps,
      );
      if (!result.ok) {
        if (result.reason === 'not-found') throw notFound('category');
        if (result.reason === 'unknown-parent') throw unknownParent();
        throw problem(409, 'Category cycle', {
          detail: 'A category cannot move under itself or one of its descendants.',
          errors: [{ path: 'body.parentId', message: 'is this category or one of its descendants' }],
        });
      }
      ctx.body = view(result.category);
    },
  );

  api.delete(
    '/api/categories/:id',
    {
      summary: 'Delete an empty category',
      access: 'admin',
      request: { params: idParams },
      responses: {
        204: { description: 'Deleted' },
        ...adminProblems,
        404: { description: 'No such category' },
        409: { description: 'It still has child categories or products (archived ones included)' },
      },
    },
    async (ctx) => {
      const id = pathId(ctx.params.id);
      if (id === undefined) throw notFound('category');
      const result = await deleteCategory(handlerContext(ctx), { id }, deps);
      if (!result.ok) {
        if (result.reason === 'not-found') throw notFound('category');
        throw problem(409, 'Category not empty', { detail: result.detail });
      }
      ctx.status = 204;
    },
  );
}
