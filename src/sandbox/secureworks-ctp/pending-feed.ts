import type { GroupingType, TicketType } from '../../sources/secureworks-ctp/wire.js';

/** What the feed needs to know about a ticket. */
export interface FeedItem {
  ticketId: string;
  ticketType: TicketType;
  groupingType: GroupingType;
  /** Global change counter at the ticket's last change: the feed's sort key. */
  changeSeq: number;
  dateModified: number;
}

/** Empty lists mean "any". */
export interface FeedFilter {
  ticketTypes: readonly TicketType[];
  groupingTypes: readonly GroupingType[];
}

/**
 * The tickets whose current version is not acknowledged, in order of their last change (oldest first), as
 * `/tickets/updates` serves them. One Map per (ticketType, groupingType): a change re-inserts the ticket at the
 * end of its Map, so each Map stays in change order without sorting, and a page is a merge of the few
 * matching Maps: O(limit × buckets), however many tickets wait.
 */
export class PendingFeed<T extends FeedItem> {
  private readonly buckets = new Map<string, Map<string, T>>();

  changed(item: T): void {
    const key = bucketKey(item.ticketType, item.groupingType);
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = new Map()));
    bucket.delete(item.ticketId);
    bucket.set(item.ticketId, item);
  }

  acknowledged(item: T): void {
    this.buckets.get(bucketKey(item.ticketType, item.groupingType))?.delete(item.ticketId);
  }

  clear(): void {
    this.buckets.clear();
  }

  /**
   * Pending tickets matching the filter, oldest change first. Tickets last changed before `notBefore` leave the
   * feed for good (CTP only serves the past 24 hours); they sit at the front of their bucket, so this is cheap.
   */
  *inChangeOrder(filter: FeedFilter, notBefore: number): Generator<T> {
    const cursors = this.matchingBuckets(filter).map((bucket) => ({ bucket, items: bucket.values(), head: undefined as T | undefined }));
    const advance = (cursor: (typeof cursors)[number]): void => {
      for (let next = cursor.items.next(); !next.done; next = cursor.items.next()) {
        if (next.value.dateModified >= notBefore) {
          cursor.head = next.value;
          return;
        }
        cursor.bucket.delete(next.value.ticketId);
      }
      cursor.head = undefined;
    };
    cursors.forEach(advance);
    for (;;) {
      let oldest: (typeof cursors)[number] | undefined;
      for (const cursor of cursors) {
        if (cursor.head && (!oldest || cursor.head.changeSeq < oldest.head!.changeSeq)) oldest = cursor;
      }
      if (!oldest) return;
      const item = oldest.head!;
      advance(oldest);
      yield item;
    }
  }

  private matchingBuckets(filter: FeedFilter): Map<string, T>[] {
    const out: Map<string, T>[] = [];
    for (const [key, bucket] of this.buckets) {
      const [ticketType, groupingType] = key.split(':') as [TicketType, GroupingType];
      if (filter.ticketTypes.length > 0 && !filter.ticketTypes.includes(ticketType)) continue;
      if (filter.groupingTypes.length > 0 && !filter.groupingTypes.includes(groupingType)) continue;
      out.push(bucket);
    }
    return out;
  }
}

function bucketKey(ticketType: TicketType, groupingType: GroupingType): string {
  return `${ticketType}:${groupingType}`;
}
