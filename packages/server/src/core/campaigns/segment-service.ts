/**
 * @module core/campaigns/segment-service
 * Saved segments: a name and a filter tree (AND/OR groups of conditions on attributes, tags, channels, conversation
 * status, last inbound time and created date), counted and walked by the database (store.campaigns). A segment a
 * live campaign uses cannot be deleted.
 */
import { newId } from '../../model/index.js';
import type { CoreDeps } from '../deps.js';
import { AppError, notFound } from '../errors.js';
import type { ContactRecord, Page, PageQuery, SegmentFilter, SegmentNode, SegmentRecord } from '../ports/index.js';

/** how deep groups nest and how many conditions one filter holds (each is one SQL predicate) */
export const SEGMENT_LIMITS = { depth: 4, conditions: 50 } as const;

/** throws a 400 naming the first problem the schema cannot express: depth, size, unknown channel types */
export function checkFilter(filter: SegmentFilter, channelTypes: ReadonlySet<string>): void {
  let conditions = 0;
  const walk = (node: SegmentNode, depth: number, path: string): void => {
    if ('all' in node || 'any' in node) {
      if (depth > SEGMENT_LIMITS.depth) throw invalid(path, `groups nest at most ${SEGMENT_LIMITS.depth} levels deep`);
      const children = 'all' in node ? node.all : node.any;
      children.forEach((child, i) => walk(child, depth + 1, `${path}.${'all' in node ? 'all' : 'any'}[${i}]`));
      return;
    }
    if (++conditions > SEGMENT_LIMITS.conditions)
      throw invalid(path, `a segment has at most ${SEGMENT_LIMITS.conditions} conditions`);
    if (node.field === 'channel' && !channelTypes.has(node.value))
      throw invalid(`${path}.value`, `no channel type '${node.value}'`);
    if (
      node.field === 'attribute' &&
      ['equals', 'not_equals', 'contains'].includes(node.op) &&
      node.value === undefined
    )
      throw invalid(`${path}.value`, `'${node.op}' needs a value`);
  };
  walk(filter, 1, 'filter');
}

function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION', `${field}: ${message}`, { fields: [{ field, message }] });
}

export class SegmentService {
  constructor(private readonly deps: CoreDeps) {}

  private check(filter: SegmentFilter): void {
    checkFilter(filter, new Set(this.deps.registry.list().map((c) => c.type)));
  }

  async create(workspaceId: string, input: { name: string; filter: SegmentFilter }): Promise<SegmentRecord> {
    this.check(input.filter);
    const at = this.deps.clock.now().toISOString();
    const row: SegmentRecord = { id: newId('seg'), workspaceId, ...input, createdAt: at, updatedAt: at };
    await this.deps.store.campaigns.insertSegment(row);
    return row;
  }

  async get(workspaceId: string, id: string): Promise<SegmentRecord> {
    const segment = await this.deps.store.campaigns.getSegment(workspaceId, id);
    if (!segment) throw notFound('segment');
    return segment;
  }

  list(workspaceId: string, page: PageQuery): Promise<Page<SegmentRecord>> {
    return this.deps.store.campaigns.listSegments(workspaceId, page);
  }

  async update(
    workspaceId: string,
    id: string,
    patch: { name?: string | undefined; filter?: SegmentFilter | undefined },
  ): Promise<SegmentRecord> {
    await this.get(workspaceId, id);
    if (patch.filter) this.check(patch.filter);
    await this.deps.store.campaigns.updateSegment(
      id,
      {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.filter !== undefined ? { filter: patch.filter } : {}),
      },
      this.deps.clock.now().toISOString(),
    );
    return this.get(workspaceId, id);
  }

  async remove(workspaceId: string, id: string): Promise<void> {
    await this.get(workspaceId, id);
    if (await this.deps.store.campaigns.segmentInUse(id))
      throw new AppError(
        'CONFLICT',
        'a campaign that has not finished uses this segment; cancel it or change its audience first',
      );
    await this.deps.store.campaigns.deleteSegment(id);
  }

  /** how many contacts match now, and a few of them (newest ids last) to show beside the count */
  async preview(workspaceId: string, filter: SegmentFilter): Promise<{ count: number; sample: ContactRecord[] }> {
    this.check(filter);
    const now = this.deps.clock.now().toISOString();
    const count = await this.deps.store.campaigns.countSegment(workspaceId, filter, now);
    const ids = await this.deps.store.campaigns.segmentContactIds(workspaceId, filter, now, null, 5);
    const sample: ContactRecord[] = [];
    for (const id of ids) {
      const contact = await this.deps.store.getContact(workspaceId, id);
      if (contact) sample.push(contact);
    }
    return { count, sample };
  }
}
