// The baseline's activity: returns its argument, so its cost is the engine's round trip alone.
export const benchActivities = {
  async benchNoOp(n: number): Promise<number> {
    return n;
  },
};

export type BenchActivities = typeof benchActivities;
