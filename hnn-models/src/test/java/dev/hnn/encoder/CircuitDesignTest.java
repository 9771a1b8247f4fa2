package dev.hnn.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The encoder circuit's design decisions that need no ciphertext: inverse square root, refresh plans, ranges. */
class CircuitDesignTest {

  /** Plain Newton from the same guess (the baseline the scaled steps must beat or match). */
  private static int plainNewtonSteps(InverseSqrt d, double lo, double hi, double tol) {
    for (int steps = 0; steps <= 8; steps++) {
      double worst = 0;
      for (int i = 0; i < 2001; i++) {
        double h = lo * Math.pow(hi / lo, i / 2000.0);
        double y = d.initial().value(h);
        for (int k = 0; k < steps; k++) y = y * (1.5 - h * y * y);
        worst = Math.max(worst, Math.abs(y * Math.sqrt(2 * h) - 1));
      }
      if (worst <= tol) return steps;
    }
    return Integer.MAX_VALUE;
  }

  @Test
  void scaledNewtonReachesTheToleranceWithNoMoreStepsThanNewton() {
    for (double ratio : new double[] {4, 64, 1000, 4000}) {
      double lo = 1 / Math.sqrt(ratio), hi = Math.sqrt(ratio);
      InverseSqrt d = InverseSqrt.design(lo, hi, 1e-4);
      assertTrue(d.worstRelativeError() <= 1e-4, "ratio " + ratio + ": " + d.worstRelativeError());
      assertTrue(d.simulate(lo, hi) <= 1e-4);
      assertTrue(d.newtonSteps() <= plainNewtonSteps(d, lo, hi, 1e-4),
          "ratio " + ratio + ": scaled steps " + d.newtonSteps() + " vs Newton's from the same guess");
      // Depth: guess + 2 per step, the last fused with the product by the centered input.
      int depth = InverseSqrt.depthOf(d.initialDepth(), d.newtonSteps());
      assertEquals(d.newtonSteps() > 0 ? d.initialDepth() + 2 * d.newtonSteps() : d.initialDepth() + 1, depth);
    }
    // Ratio 1000 (a LayerNorm variance range widened 4x each way): plain Newton needs a step more.
    InverseSqrt wide = InverseSqrt.design(1 / Math.sqrt(1000), Math.sqrt(1000), 1e-4);
    assertTrue(InverseSqrt.depthOf(wide.initialDepth(), wide.newtonSteps()) <= 10,
        "depth " + InverseSqrt.depthOf(wide.initialDepth(), wide.newtonSteps()));
    assertThrows(IllegalArgumentException.class, () -> InverseSqrt.design(0, 1, 1e-4));
  }

  private static Step step(String name, int levels, double cost) {
    return new Step(name, levels, cost, r -> { });
  }

  @Test
  void costPlacementRefreshesToTheLevelTheHeavyStepsNeed() {
    // A heavy one-level step between light two-level ones, repeated: top 8, reserve 2.
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      steps.add(step("light" + i, 2, 0.01));
      steps.add(step("heavy" + i, 1, 1.0));
    }
    int[] live = new int[steps.size()];
    java.util.Arrays.fill(live, 2);
    RefreshPlacement.RefreshCost cost = new RefreshPlacement.RefreshCost(0.05, 0, 0.003);
    int level = 8;
    int refreshes = 0, heavyLevels = 0;
    for (int i = 0; i < steps.size(); i++) {
      RefreshPlacement.Decision d = RefreshPlacement.COST.decide(steps, i, level, 8, 2, cost, live);
      if (d.refresh()) {
        refreshes++;
        assertTrue(d.refreshTo() >= 2 && d.refreshTo() <= 8, "target " + d.refreshTo());
      }
      assertTrue(d.runAt() <= (d.refresh() ? d.refreshTo() : level), "never above what is live");
      assertTrue(d.runAt() >= steps.get(i).levels(), "enough levels for " + steps.get(i).name());
      if (steps.get(i).name().startsWith("heavy")) heavyLevels += d.runAt();
      level = d.runAt() - steps.get(i).levels();
      assertTrue(level >= 0);
    }
    // Heavy steps run low (at most level 3, where a refresh to the top would have run them at 5 to 8).
    assertTrue(heavyLevels <= 6 * 3, "heavy steps ran at levels summing to " + heavyLevels);
    assertTrue(refreshes >= 3, "refreshes " + refreshes);
    // FEWEST_ROUND_TRIPS goes to the top only.
    RefreshPlacement.Decision f = RefreshPlacement.FEWEST_ROUND_TRIPS.decide(steps, 0, 1, 8, 1, cost, live);
    assertTrue(!f.refresh() || f.refreshTo() == 8);
  }

  @Test
  void recordedRangesAreReadPerPositionAndMalformedOnesRefused() {
    Map<String, Object> table = Map.of("min", List.of(List.of(0.5, 0.2, 0.0)), "max", List.of(List.of(9.0, 2.0, 0.0)));
    Map<String, Object> act = Map.of("min", List.of(List.of(-3.0, -5.0, 0.0)), "max", List.of(List.of(2.0, 4.0, 0.0)));
    Map<String, Object> rec = new java.util.HashMap<>(Map.of("position_counts", List.of(10.0, 7.0, 0.0),
        "attention_scores", act, "attention_layernorm_variance", table, "activation_input", act,
        "output_layernorm_variance", table, "head_activation_input", Map.of("min", -1.5, "max", 1.25)));
    CircuitRanges r = CircuitRanges.recorded(rec, 1);
    CircuitRanges.Layer l = r.layers().get(0);
    assertEquals(0.5, l.variance(1, 0).lo(), 0);
    assertEquals(9.0, l.variance(1, 0).hi(), 0);
    assertEquals(0.2, l.variance(2, 1).lo(), 0, "positions >= 1 share the union of their ranges");
    assertEquals(2.0, l.variance(2, 1).hi(), 0);
    assertEquals(2.0, l.variance(2, 2).hi(), 0, "including positions without data");
    assertEquals(0.2, l.variance(2, 40).lo(), 0, "and every position beyond the table");
    assertEquals(-5.0, l.activation().lo(), 0);
    assertEquals(4.0, l.activation().hi(), 0);
    assertEquals(-1.5, r.headPreActivation().lo(), 0);
    assertThrows(IllegalArgumentException.class, () -> CircuitRanges.recorded(rec, 2), "layer count");
    Map<String, Object> broken = new java.util.HashMap<>(rec);
    broken.remove("activation_input");
    assertThrows(IllegalArgumentException.class, () -> CircuitRanges.recorded(broken, 1));
    broken.put("activation_input", Map.of("min", List.of(List.of("x", 1.0, 0.0)), "max", List.of(List.of(1, 2, 3))));
    assertThrows(IllegalArgumentException.class, () -> CircuitRanges.recorded(broken, 1));
    Map<String, Object> inverted = new java.util.HashMap<>(rec);
    inverted.put("activation_input", Map.of("min", List.of(List.of(3.0, 1.0, 0.0)), "max", List.of(List.of(1.0, 2.0, 0.0))));
    assertThrows(IllegalArgumentException.class, () -> CircuitRanges.recorded(inverted, 1), "min above max");
  }
}
