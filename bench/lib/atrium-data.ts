import { DEFAULT_EMBEDDING_MODEL } from "../../src/db/schema/knowledge.js";
import { newId } from "../../src/lib/ids.js";
import type { NewChunk } from "../../src/repositories/chunk.repository.js";
import type { Repositories } from "../../src/repositories/index.js";
import { createRng, type Rng } from "./prng.js";
import { ClusteredVectors, type TextGenerator, textGenerator, vectorArray } from "./synthetic.js";

/** Shape of a synthetic Atrium knowledge corpus: one organisation, N departments, one base each. */
export interface DatasetOptions {
  rows: number;
  departments: number;
  chunksPerDocument: number;
  dim: number;
  clusters: number;
  /** Norm of the Gaussian noise added to a centroid (see ClusteredVectors). */
  noise: number;
  seed: number;
  embeddingModel: string;
}

export const defaultDatasetOptions: DatasetOptions = {
  rows: 20_000,
  departments: 50,
  chunksPerDocument: 20,
  dim: 384,
  clusters: 200,
  noise: 0.6,
  seed: 42,
  embeddingModel: DEFAULT_EMBEDDING_MODEL,
};

interface Department {
  id: string;
  name: string;
  slug: string;
}
interface KnowledgeBase {
  id: string;
  departmentId: string;
  name: string;
}
interface Document {
  id: string;
  departmentId: string;
  knowledgeBaseId: string;
  title: string;
}

/**
 * Everything a benchmark loads, with ids fixed in advance so every engine holds identical rows and
 * query results can be compared across engines. `vectors[i]` is the embedding of `chunks[i]`.
 */
export interface Dataset {
  options: DatasetOptions;
  org: { id: string; name: string; slug: string };
  departments: Department[];
  knowledgeBases: KnowledgeBase[];
  documents: Document[];
  chunks: NewChunk[];
  vectors: Float32Array[];
  space: ClusteredVectors;
  text: TextGenerator;
}

export function generateDataset(overrides: Partial<DatasetOptions> = {}): Dataset {
  const options = { ...defaultDatasetOptions, ...overrides };
  const rng = createRng(options.seed);
  const space = new ClusteredVectors(rng.fork(), options.dim, options.clusters, options.noise);
  const text = textGenerator();
  const org = { id: newId(), name: `Bench org ${options.seed}`, slug: `bench-${options.seed}` };
  const departments = Array.from({ length: options.departments }, (_, i) => ({
    id: newId(),
    name: `Department ${i + 1}`,
    slug: `dept-${i + 1}`,
  }));
  const knowledgeBases = departments.map((d) => ({
    id: newId(),
    departmentId: d.id,
    name: `${d.name} handbook`,
  }));
  const documentCount = Math.ceil(options.rows / options.chunksPerDocument);
  const documents = Array.from({ length: documentCount }, (_, i) => {
    const kb = knowledgeBases[i % knowledgeBases.length]!;
    return { id: newId(), departmentId: kb.departmentId, knowledgeBaseId: kb.id, title: `Document ${i + 1}` };
  });

  const dataRng = rng.fork();
  const chunks: NewChunk[] = new Array(options.rows);
  const vectors: Float32Array[] = new Array(options.rows);
  for (let i = 0; i < options.rows; i++) {
    const doc = documents[Math.floor(i / options.chunksPerDocument)]!;
    const { vector } = space.next(dataRng);
    const content = text.paragraph(dataRng);
    vectors[i] = vector;
    chunks[i] = {
      id: newId(),
      orgId: org.id,
      departmentId: doc.departmentId,
      knowledgeBaseId: doc.knowledgeBaseId,
      documentId: doc.id,
      ordinal: i % options.chunksPerDocument,
      content,
      tokenCount: content.split(" ").length,
      embedding: vectorArray(vector),
      embeddingModel: options.embeddingModel,
    };
  }
  return { options, org, departments, knowledgeBases, documents, chunks, vectors, space, text };
}

/** Creates the organisation, departments, knowledge bases and documents through the repositories. */
export async function loadParents(repos: Repositories, data: Dataset, batch = 500): Promise<void> {
  await repos.organizations.create(data.org);
  await repos.departments.createMany(data.departments.map((d) => ({ ...d, orgId: data.org.id })));
  await repos.knowledgeBases.createMany(
    data.knowledgeBases.map((kb) => ({
      ...kb,
      orgId: data.org.id,
      embeddingModel: data.options.embeddingModel,
    })),
  );
  for (let i = 0; i < data.documents.length; i += batch) {
    await repos.documents.createMany(
      data.documents.slice(i, i + batch).map((d) => ({
        ...d,
        orgId: data.org.id,
        type: "txt" as const,
        sourceKind: "freeform" as const,
        status: "ready" as const,
        chunkCount: data.options.chunksPerDocument,
      })),
    );
  }
}

/** Query embeddings drawn like the data (near a random centroid), from their own seeded stream. */
export function vectorQueries(data: Dataset, rng: Rng, count: number): Float32Array[] {
  return Array.from({ length: count }, () => data.space.next(rng).vector);
}

/**
 * Two-word full-text queries (implicit AND in websearch_to_tsquery), each word drawn uniformly from
 * frequency ranks 10–300: a word there occurs in roughly 2–50% of chunks, so most queries hit a few
 * to a few hundred chunks and the planner has a reason to use the GIN index.
 */
export function textQueries(data: Dataset, rng: Rng, count: number): string[] {
  const band = data.text.words.slice(10, 300);
  return Array.from({ length: count }, () => rng.sample(band, 2).join(" "));
}
