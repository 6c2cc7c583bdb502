// What a load run was answered and when, and what went wrong: the record a failover run is judged by.

export interface Answer {
  kind: string;
  /** Milliseconds after the ledger was opened that the answer came. */
  at: number;
  status: number;
}

/** `ms` as seconds with one decimal, for messages: "8.1s". */
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export class AnswerLedger {
  private readonly opened = Date.now();
  /** In the order they came. */
  readonly answers: Answer[] = [];
  readonly failures: string[] = [];

  /** Milliseconds since the ledger was opened. */
  now(): number {
    return Date.now() - this.opened;
  }

  record(kind: string, status: number): void {
    this.answers.push({ kind, at: this.now(), status });
  }

  /** Notes what went wrong, and when; undefined, so that a caller can `return ledger.fail(...)`. */
  fail(kind: string, detail: string): undefined {
    this.failures.push(`${seconds(this.now())} ${kind}: ${detail}`);
    return undefined;
  }

  /** How many answers had a status `matching`, of `kind` if named. */
  count(matching: (status: number) => boolean, kind?: string): number {
    return this.answers.filter((a) => matching(a.status) && (kind === undefined || a.kind === kind)).length;
  }

  /** When the last 503 came; undefined if none did. */
  lastUnavailable(): number | undefined {
    return this.answers.filter((a) => a.status === 503).at(-1)?.at;
  }

  /** The longest time no answer came, and when it began: a stall that retries hid behind a slow 200. */
  longestSilence(): { from: number; ms: number } {
    let longest = { from: 0, ms: 0 };
    this.answers.forEach(({ at }, i) => {
      const before = i === 0 ? 0 : this.answers[i - 1].at;
      if (at - before > longest.ms) longest = { from: before, ms: at - before };
    });
    return longest;
  }

  /** The longest run of 503s with no other answer between them: how many, and the time from the first to the last. */
  longestUnavailableRun(): { answers: number; ms: number } {
    let longest = { answers: 0, ms: 0 };
    let run: { first: number; answers: number } | undefined;
    for (const { status, at } of this.answers) {
      if (status !== 503) {
        run = undefined;
        continue;
      }
      run = run ? { ...run, answers: run.answers + 1 } : { first: at, answers: 1 };
      if (at - run.first > longest.ms || (at - run.first === longest.ms && run.answers > longest.answers))
        longest = { answers: run.answers, ms: at - run.first };
    }
    return longest;
  }
}
