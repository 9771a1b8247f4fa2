package dev.hnn.encoder;

import dev.hnn.refresh.LevelPlanner;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the refreshes go and to which level, decided before each step from the lowest live level and the
 * remaining steps.
 * <ul>
 *   <li>{@link #FEWEST_ROUND_TRIPS}: {@link LevelPlanner}, as late as possible, always to the top level: the fewest
 *       refreshes. But the linear layers then often run right after a refresh, at the top level, where they cost
 *       ~3x what they cost at level 2 (docs/encrypted-encoder-algebra.md).
 *   <li>{@link #COST}: a shortest path over (step, level) minimizing sum(cost per prime x primes) plus the cost of
 *       each refresh. A refresh may go to <em>any</em> level (the key holder encrypts at the level asked for), and
 *       ciphertexts may be dropped to a lower level for free before a step, so the heavy steps run on few primes:
 *       more round trips, less work. Never below the refresh reserve, except that the last steps may use the levels
 *       below.
 * </ul>
 */
public enum RefreshPlacement {
  FEWEST_ROUND_TRIPS,
  COST;

  /**
   * What to do before a step: refresh the live ciphertexts to {@code refreshTo} (-1: no refresh), then run the
   * step with its inputs at {@code runAt} (below the live level: mod-switch down first).
   */
  record Decision(int refreshTo, int runAt) {
    boolean refresh() {
      return refreshTo >= 0;
    }
  }

  /**
   * The cost model of {@link #COST}, in the units of {@link Step#costPerPrime()} (about seconds at MiniLM size):
   * a refresh of k ciphertexts to level t costs {@code fixed + perUnit * ceil(k / ciphertextsPerUnit) +
   * perCiphertextPrime * k * (t + 1)}: a client-aided refresh is a round trip plus the key holder's decryption
   * and encryption, proportional to the primes; a bootstrap costs the same whatever level it is dropped to
   * afterwards, and may refresh two ciphertexts at once.
   */
  record RefreshCost(double fixed, double perUnit, double perCiphertextPrime, int ciphertextsPerUnit) {
    RefreshCost {
      if (!(fixed >= 0) || !(perUnit >= 0) || !(perCiphertextPrime >= 0))
        throw new IllegalArgumentException("costs must be >= 0");
      if (ciphertextsPerUnit < 1) throw new IllegalArgumentException("ciphertexts per unit must be >= 1");
    }

    /** One ciphertext a unit. */
    RefreshCost(double fixed, double perCiphertext, double perCiphertextPrime) {
      this(fixed, perCiphertext, perCiphertextPrime, 1);
    }

    double of(int ciphertexts, int level) {
      int units = (ciphertexts + ciphertextsPerUnit - 1) / ciphertextsPerUnit;
      return fixed + perUnit * units + perCiphertextPrime * ciphertexts * (level + 1);
    }
  }

  /**
   * @param live estimated live ciphertexts before each step (what a refresh there would carry)
   */
  Decision decide(List<Step> steps, int from, int level, int top, int reserve, RefreshCost cost, int[] live) {
    if (this == FEWEST_ROUND_TRIPS) {
      List<LevelPlanner.Step> rest = new ArrayList<>();
      for (int i = from; i < steps.size(); i++) rest.add(new LevelPlanner.Step(steps.get(i).name(), steps.get(i).levels()));
      LevelPlanner.Plan p = new LevelPlanner(top, reserve).plan(level, rest);
      boolean now = !p.refreshBefore().isEmpty() && p.refreshBefore().get(0) == 0;
      return now ? new Decision(top, top) : new Decision(-1, level);
    }
    return cheapest(steps, from, level, top, reserve, cost, live);
  }

  /**
   * run[i][l]: least cost of steps i.. when step i runs with its inputs at level l; best[i][l]: least cost of steps
   * i.. from live level l, choosing to run at any l' <= l, or to refresh to any t (only from the reserve or above).
   */
  private static Decision cheapest(List<Step> steps, int from, int level, int top, int reserve, RefreshCost cost,
      int[] live) {
    int n = steps.size();
    double inf = Double.POSITIVE_INFINITY;
    double[][] best = new double[n + 1][top + 1];
    int[][] choice = new int[n + 1][top + 1]; // level to run at (>= 0), or -(t + 1) for a refresh to t
    for (int i = n - 1; i >= from; i--) {
      Step s = steps.get(i);
      double[] run = new double[top + 1];
      for (int l = 0; l <= top; l++) run[l] = runCost(s, l, best[i + 1], reserve, i == n - 1);
      double viaRefresh = inf;
      int refreshTo = -1;
      for (int t = reserve; t <= top; t++) {
        double c = cost.of(live[i], t) + run[t];
        if (c < viaRefresh) {
          viaRefresh = c;
          refreshTo = t;
        }
      }
      double low = inf;
      int lowAt = -1;
      for (int l = 0; l <= top; l++) {
        if (run[l] < low) {
          low = run[l];
          lowAt = l;
        }
        boolean canRefresh = l >= reserve;
        if (canRefresh && viaRefresh < low) {
          best[i][l] = viaRefresh;
          choice[i][l] = -(refreshTo + 1);
        } else {
          best[i][l] = low;
          choice[i][l] = lowAt;
        }
      }
    }
    if (best[from][level] == inf)
      throw new IllegalArgumentException("step " + steps.get(from).name() + " cannot run from level " + level
          + ", even after a refresh to " + top + " (refresh reserve " + reserve + ")");
    int c = choice[from][level];
    return c < 0 ? new Decision(-c - 1, -c - 1) : new Decision(-1, c);
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
