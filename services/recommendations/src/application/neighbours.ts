import { cosineNeighbours, type Scored } from '../domain/ranking';
import type { ModelReads } from './ports';

/** A product's neighbours by cosine similarity, best first (the candidates' own weights read in one go). */
export async function rankedNeighbours(productId: string, model: ModelReads): Promise<Scored[]> {
  const candidates = await model.candidatesOf(productId);
  if (candidates.size === 0) return [];
  const weights = await model.productWeights([productId, ...candidates.keys()]);
  return cosineNeighbours(weights.get(productId) ?? 0, candidates, (id) => weights.get(id));
}
