package dev.hnn.encoder;

import dev.hnn.refresh.LevelPlanner;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the refreshes go, decided before each step from the lowest live level and the remaining steps.
 * <ul>
 *   <li>{@link #FEWEST_ROUND_TRIPS}: {@link LevelPlanner}, as late as possible: the fewest refreshes. But the
 *       linear layers then often run right after a refresh, at the top level, where they cost ~3x what they cost
 *       at level 2 (docs/encrypted-encoder-algebra.md).
 *   <li>{@link #COST}: a shortest path over (step, level) minimizing sum(cost per prime x primes) plus a fixed
 *       cost per refresh (round trip and re-encryption): refreshes move (and are added where they pay) so that the
 *       heavy steps run low. Never below the refresh reserve, except that the last steps may use the levels below.
 * </ul>
 */
public enum RefreshPlacement {
  FEWEST_ROUND_TRIPS,
  COST;

  /** Whether to refresh right before step {@code from}, the lowest live level being {@code level}. */
  boolean refreshNow(List<Step> steps, int from, int level, int top, int reserve, double refreshCost) {
    if (this == FEWEST_ROUND_TRIPS) {
      List<LevelPlanner.Step> rest = new ArrayList<>();
      for (int i = from; i < steps.size(); i++) rest.add(new LevelPlanner.Step(steps.get(i).name(), steps.get(i).levels()));
      LevelPlanner.Plan p = new LevelPlanner(top, reserve).plan(level, rest);
      return !p.refreshBefore().isEmpty() && p.refreshBefore().get(0) == 0;
    }
    return cheapest(steps, from, level, top, reserve, refreshCost);
  }

  /**
   * best[i][l] = least cost of steps i.. starting at level l (infinite if impossible). A step runs at level l if
   * l >= its levels and it ends at the reserve or above, or everything after it fits without a refresh.
   */
  private static boolean cheapest(List<Step> steps, int from, int level, int top, int reserve, double refreshCost) {
    int n = steps.size();
    double inf = Double.POSITIVE_INFINITY;
    double[][] best = new double[n + 1][top + 1];
    boolean[][] refresh = new boolean[n + 1][top + 1];
    for (int i = n - 1; i >= from; i--) {
      Step s = steps.get(i);
      for (int l = 0; l <= top; l++) {
        double run = runCost(s, l, best[i + 1], reserve, i == n - 1);
        double viaRefresh = l >= reserve && l < top ? refreshCost + runCost(s, top, best[i + 1], reserve, i == n - 1) : inf;
        refresh[i][l] = viaRefresh < run;
        best[i][l] = Math.min(run, viaRefresh);
      }
    }
    if (best[from][level] == inf)
      throw new IllegalArgumentException("step " + steps.get(from).name() + " cannot run from level " + level
          + ", even after a refresh to " + top + " (refresh reserve " + reserve + ")");
    return refresh[from][level];
  }

  private static double runCost(Step s, int l, double[] next, int reserve, boolean last) {
    int after = l - s.levels();
    if (after < 0) return Double.POSITIVE_INFINITY;
    double rest = last ? 0 : next[after];
    // Below the reserve nothing can be refreshed any more: allowed only if the rest fits (rest is finite).
    if (!last && after < reserve && rest == Double.POSITIVE_INFINITY) return rest;
    return s.costPerPrime() * (l + 1) + rest;
  }
}
