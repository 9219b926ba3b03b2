// What the two benches (bench:spans, bench:trace-path) share: their one option and their statistic.
import { parseArgs } from "util";

/**
 * `--runs N` (default 3), a whole number ≥ 1. A bad value, or any other option, exits 2 with
 * util.parseArgs's own message, which names it, and the bench's usage.
 */
export function runsOption(bench: string, script: string): number {
    let runsText: string;
    try {
        runsText = parseArgs({ options: { runs: { type: "string", default: "3" } } }).values.runs;
    } catch (err) {
        console.error(`${bench}: ${(err as Error).message} (usage: npm run ${script} -- [--runs N])`);
        process.exit(2);
    }
    const runs = Number(runsText);
    if (!Number.isInteger(runs) || runs < 1) {
        console.error(`${bench}: --runs ${runsText}: expected a whole number ≥ 1`);
        process.exit(2);
    }
    return runs;
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
