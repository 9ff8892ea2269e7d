/**
 * Group commit: requests made while a batch is being written join the next batch, so concurrent workers share
 * one statement (and its plan) instead of queueing one statement each. A request made when nothing is under way
 * goes at once: no added latency. Should a batch fail, its requests are tried one by one, so a request the
 * store refuses fails alone.
 */
export class GroupCommit<I, O> {
  private waiting: Array<{ item: I; resolve: (value: O) => void; reject: (error: unknown) => void }> = [];
  private writing = false;

  /** `write` answers one result per item, in order. */
  constructor(private readonly write: (items: I[]) => Promise<O[]>, private readonly maxBatch = 32) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, this.maxBatch);
        try {
          const results = await this.write(batch.map((b) => b.item));
          batch.forEach((b, i) => b.resolve(results[i]!));
        } catch (error) {
          if (batch.length === 1) {
            batch[0]!.reject(error);
            continue;
          }
          for (const b of batch) {
            try {
              b.resolve((await this.write([b.item]))[0]!);
            } catch (single) {
              b.reject(single);
            }
          }
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
