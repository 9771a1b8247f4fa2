package dev.hnn.refresh;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where refreshes go in a chain of steps. Each step consumes some levels and may need its input at a minimum
 * level; a refresh brings a ciphertext to the top level but is possible only at the refresh reserve or above
 * (the lowest level whose modulus holds the mask, {@link RefreshBound#lowestLevel}).
 *
 * <p>Greedy, as late as possible: a step runs without a refresh if it can, and if afterwards the ciphertext can
 * still be refreshed (it stays at the reserve or above) or the remaining steps all fit without one. Otherwise
 * the refresh goes right before it. Since a refresh always lands on the same top level, and fewer remaining
 * steps never need more levels, putting each refresh as late as possible gives the fewest refreshes.
 */
public final class LevelPlanner {
  /** A step: its name (for messages), the levels it consumes, and the lowest level its input may have. */
  public record Step(String name, int levels, int minLevel) {
    public Step {
      Objects.requireNonNull(name, "name");
      if (levels < 0) throw new IllegalArgumentException("step " + name + " consumes a negative number of levels");
      if (minLevel < 0) throw new IllegalArgumentException("step " + name + " has a negative minimum level");
    }

    public Step(String name, int levels) {
      this(name, levels, 0);
    }

    /** The lowest input level the step can run at. */
    int need() {
      return Math.max(levels, minLevel);
    }
  }

  /**
   * The plan: the indices of the steps preceded by a refresh (ascending), the level each step starts at (after
   * any refresh), and the level after the last step.
   */
  public record Plan(List<Integer> refreshBefore, List<Integer> levelBefore, int finalLevel) {
    public Plan {
      refreshBefore = List.copyOf(refreshBefore);
      levelBefore = List.copyOf(levelBefore);
    }

    public int refreshCount() {
      return refreshBefore.size();
    }
  }

  private final int maxLevel;
  private final int reserve;

  /**
   * @param maxLevel the level a refresh brings a ciphertext to
   * @param refreshReserve the lowest level at which a refresh is possible
   */
  public LevelPlanner(int maxLevel, int refreshReserve) {
    if (maxLevel < 0) throw new IllegalArgumentException("max level must be non-negative, got " + maxLevel);
    if (refreshReserve < 0 || refreshReserve > maxLevel)
      throw new IllegalArgumentException(
          "refresh reserve must be in [0, " + maxLevel + "], got " + refreshReserve
              + " (a mask that does not fit even at the top level)");
    this.maxLevel = maxLevel;
    this.reserve = refreshReserve;
  }

  /** Plans from a fresh ciphertext at the max level. */
  public Plan plan(List<Step> steps) {
    return plan(maxLevel, steps);
  }

  /** Plans from a ciphertext at {@code startLevel}. Throws {@link IllegalArgumentException} if impossible. */
  public Plan plan(int startLevel, List<Step> steps) {
    Objects.requireNonNull(steps, "steps");
    if (startLevel < 0 || startLevel > maxLevel)
      throw new IllegalArgumentException("start level must be in [0, " + maxLevel + "], got " + startLevel);
    List<Integer> refreshes = new ArrayList<>();
    List<Integer> before = new ArrayList<>();
    int level = startLevel;
    for (int i = 0; i < steps.size(); i++) {
      Step s = Objects.requireNonNull(steps.get(i), "step " + i);
      if (!canRunWithoutRefresh(steps, i, level)) {
        if (level < reserve)
          throw new IllegalArgumentException(
              "cannot refresh before step " + i + " (" + s.name() + "): the ciphertext is at level " + level
                  + ", below the refresh reserve " + reserve);
        level = maxLevel;
        refreshes.add(i);
        if (!canRunWithoutRefresh(steps, i, level))
          throw new IllegalArgumentException(
              "step " + i + " (" + s.name() + ") cannot run even right after a refresh: it needs input level "
                  + s.need() + (i + 1 < steps.size() ? " and to end at the refresh reserve " + reserve + " or above"
                  : "") + ", the top level is " + maxLevel);
      }
      before.add(level);
      level -= s.levels();
    }
    return new Plan(refreshes, before, level);
  }

  /** Whether step i can run at {@code level} and leave the rest feasible without a refresh right now. */
  private boolean canRunWithoutRefresh(List<Step> steps, int i, int level) {
    Step s = steps.get(i);
    if (level < s.need()) return false;
    return level - s.levels() >= reserve || restFits(steps, i + 1, level - s.levels());
  }

  /** Whether steps from {@code from} on all run from {@code level} with no refresh at all. */
  private static boolean restFits(List<Step> steps, int from, int level) {
    for (int j = from; j < steps.size(); j++) {
      Step s = Objects.requireNonNull(steps.get(j), "step " + j);
      if (level < s.need()) return false;
      level -= s.levels();
    }
    return true;
  }
}
