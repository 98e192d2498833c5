import { expect, it } from "vitest";
import { runCell, type CellResult } from "./cell.js";
import { CONCURRENCY } from "./config.js";
import { FAULTS, type Fault } from "./faults.js";
import { formatMatrix, pool } from "./matrix.js";
import { OP_CLASSES } from "./operations.js";

/**
 * Issue 9: every fault × every operation class, each cell on its own local server with real
 * sockets. A cell holds when it settles within its bound with one outcome (a result, or one
 * typed LakebaseError of the expected class), sent no mutation twice that the server may have
 * acted on, lost or repeated no list item, honoured Retry-After, and sent nothing after settling.
 */
it("fault matrix: every cell settles in time with one typed outcome", async () => {
  // Waits are the longest cells: started first, they do not leave a tail running alone at the end.
  const ops = [...OP_CLASSES].sort((a, b) => b.boundMs - a.boundMs);
  const run = (faults: readonly Fault[]) => pool(faults.flatMap((fault) => ops.map((op) => () => runCell(fault, op))), CONCURRENCY);
  // The baseline first, alone: a cold process answers its first requests slowly. gc() is
  // process-wide: rows that call it run last, so the rows without it really are without it.
  const cells: CellResult[] = [
    ...(await run(FAULTS.filter((f) => f.baseline))),
    ...(await run(FAULTS.filter((f) => !f.baseline && !f.gc))),
    ...(await run(FAULTS.filter((f) => f.gc))),
  ];
  console.log(`\n${formatMatrix(FAULTS.map((f) => f.id), OP_CLASSES.map((o) => o.id), cells)}\n`);
  const failed = cells.filter((c) => !c.held).map((c) => `${c.fault} × ${c.op}: ${c.problems.join("; ")}`);
  expect(failed).toEqual([]);
}, 60_000);
