import { ChangeCounterName } from './change-counter.entity';
import { ChangeCounters, ChangeCounts } from './change-counters.service';

/**
 * Values read from the database and held in memory until a change of the kinds they depend on is
 * counted anywhere (another instance, the CLI): what every request reads and rarely changes, such
 * as clients, without a read per request, and still never stale.
 *
 * Before answering from memory, a request waits for the change counters as committed after it
 * arrived (ChangeCounters.current(): one read per turn of the event loop). If a counter it depends
 * on has moved, everything held is dropped. Values not found are never held, nor those `keep`
 * refuses; held values are frozen, and so are the arrays in them.
 */
export class HeldUntilChange<V extends object> {
  private readonly held = new Map<string, V>();
  /** The counters as last read: each read is a new map, which every call of its turn shares. */
  private counts?: ChangeCounts;
  /** Whether the database has every watched counter (as last read); if not, nothing is held. */
  private watching = false;
  /** The watched counters as last seen, joined; undefined before the first. */
  private seen?: string;
  /** Raised whenever what is held is dropped: a read that began before must not be kept. */
  private generation = 0;

  constructor(
    private readonly counters: ChangeCounters,
    private readonly dependsOn: readonly ChangeCounterName[],
    private readonly capacity: number,
  ) {}

  /** The value under `key` as it stands now: from memory, or through `read` (then held, if `keep` says so). */
  async get(key: string, read: () => Promise<V | null>, keep: (value: V) => boolean = () => true): Promise<V | null> {
    const counts = await this.counters.current();
    if (counts !== this.counts) this.observe(counts);
    if (!this.watching) return read();
    const held = this.held.get(key);
    if (held) return held;
    const generation = this.generation;
    const value = await read();
    if (value && keep(value) && generation === this.generation) this.hold(key, value);
    return value;
  }

  /** Drops everything held if a watched counter moved since last seen. */
  private observe(counts: ChangeCounts): void {
    this.counts = counts;
    const values = this.dependsOn.map((name) => counts.get(name));
    // A counter missing from the database: no change could be seen, so nothing is held.
    this.watching = !values.includes(undefined);
    if (!this.watching) return;
    const seen = values.join(' ');
    if (seen !== this.seen) {
      this.held.clear();
      this.generation += 1;
      this.seen = seen;
    }
  }

  private hold(key: string, value: V): void {
    if (this.held.size >= this.capacity) this.held.delete(this.held.keys().next().value as string);
    for (const member of Object.values(value)) if (Array.isArray(member)) Object.freeze(member);
    this.held.set(key, Object.freeze(value));
  }
}
