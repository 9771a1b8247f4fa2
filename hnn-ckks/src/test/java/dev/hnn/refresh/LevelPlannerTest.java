package dev.hnn.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hnn.refresh.LevelPlanner.Plan;
import dev.hnn.refresh.LevelPlanner.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LevelPlannerTest {
  private static List<Step> steps(int... levels) {
    List<Step> s = new ArrayList<>();
    for (int i = 0; i < levels.length; i++) s.add(new Step("s" + i, levels[i]));
    return s;
  }

  @Test
  void noRefreshWhenEverythingFits() {
    Plan p = new LevelPlanner(5, 2).plan(steps(2, 2, 1));
    assertEquals(List.of(), p.refreshBefore());
    assertEquals(List.of(5, 3, 1), p.levelBefore());
    assertEquals(0, p.finalLevel());
  }

  @Test
  void refreshesAsLateAsPossible() {
    // 6 -> 4 -> 2 (still refreshable); step 2 would leave level 0 with more to do: refresh before it.
    Plan p = new LevelPlanner(6, 2).plan(steps(2, 2, 2, 2, 2));
    assertEquals(List.of(2), p.refreshBefore());
    assertEquals(List.of(6, 4, 6, 4, 2), p.levelBefore());
    assertEquals(0, p.finalLevel());
  }

  @Test
  void aMinimumLevelForcesAnEarlierRefresh() {
    List<Step> s = List.of(new Step("attention", 3), new Step("softmax", 1, 5), new Step("ffn", 2));
    Plan p = new LevelPlanner(6, 1).plan(s);
    assertEquals(List.of(1), p.refreshBefore());
    assertEquals(List.of(6, 6, 5), p.levelBefore());
  }

  @Test
  void startsWhereTheCiphertextIs() {
    Plan p = new LevelPlanner(8, 2).plan(3, steps(1, 3));
    assertEquals(List.of(1), p.refreshBefore());
    assertEquals(List.of(3, 8), p.levelBefore());
  }

  @Test
  void impossiblePlansAreClearErrors() {
    assertThrows(IllegalArgumentException.class, () -> new LevelPlanner(4, 5));
    assertThrows(IllegalArgumentException.class, () -> new LevelPlanner(4, 2).plan(steps(5)));
    // A non-final step that leaves the ciphertext below the reserve even from the top.
    assertThrows(IllegalArgumentException.class, () -> new LevelPlanner(4, 2).plan(steps(3, 1, 1)));
    // Starting below the reserve with more to do than the levels left.
    assertThrows(IllegalArgumentException.class, () -> new LevelPlanner(6, 3).plan(2, steps(1, 2)));
    assertThrows(IllegalArgumentException.class, () -> new Step("x", -1));
  }

  /** Against brute force over every set of refresh positions: greedy uses the fewest refreshes. */
  @Test
  void greedyIsOptimal() {
    Random rnd = new Random(6);
    for (int t = 0; t < 3000; t++) {
      int max = 2 + rnd.nextInt(7);
      int reserve = rnd.nextInt(max + 1);
      int n = 1 + rnd.nextInt(8);
      List<Step> s = new ArrayList<>();
      for (int i = 0; i < n; i++) s.add(new Step("s" + i, rnd.nextInt(4), rnd.nextInt(4) == 0 ? rnd.nextInt(max + 2) : 0));
      int start = rnd.nextInt(max + 1);
      int best = bruteForce(max, reserve, start, s);
      LevelPlanner planner = new LevelPlanner(max, reserve);
      if (best < 0) {
        assertThrows(IllegalArgumentException.class, () -> planner.plan(start, s), s.toString());
      } else {
        Plan p = planner.plan(start, s);
        assertEquals(best, p.refreshCount(), "max " + max + " reserve " + reserve + " start " + start + " " + s);
        assertEquals(true, feasible(max, reserve, start, s, p.refreshBefore()));
      }
    }
  }

  private static int bruteForce(int max, int reserve, int start, List<Step> s) {
    int best = -1;
    for (int mask = 0; mask < (1 << s.size()); mask++) {
      List<Integer> at = new ArrayList<>();
      for (int i = 0; i < s.size(); i++) if ((mask & (1 << i)) != 0) at.add(i);
      if (feasible(max, reserve, start, s, at) && (best < 0 || at.size() < best)) best = at.size();
    }
    return best;
  }

  private static boolean feasible(int max, int reserve, int start, List<Step> s, List<Integer> refreshAt) {
    int level = start;
    for (int i = 0; i < s.size(); i++) {
      if (refreshAt.contains(i)) {
        if (level < reserve) return false;
        level = max;
      }
      if (level < Math.max(s.get(i).levels(), s.get(i).minLevel())) return false;
      level -= s.get(i).levels();
    }
    return true;
  }
}
