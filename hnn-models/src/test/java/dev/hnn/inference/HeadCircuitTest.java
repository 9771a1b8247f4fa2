package dev.hnn.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hnn.circuit.ChebyshevSeries;
import dev.hnn.circuit.PolynomialEvaluator;
import dev.hnn.nn.Gelu;

import org.junit.jupiter.api.Test;

/** How a head's activation becomes the polynomial the server evaluates. */
class HeadCircuitTest {
  @Test
  void geluOnANearlySymmetricRangeBecomesALinearPlusEvenSeries() {
    ChebyshevSeries s = HeadCircuit.fitActivation(Gelu::apply, -4.257, 4.842, 12);
    assertTrue(s.isLinearPlusEven());
    assertEquals(-4.842, s.lo(), 0.0);
    assertEquals(4.842, s.hi(), 0.0);
    assertTrue(s.errorBound() <= ChebyshevSeries.fit(Gelu::apply, -4.257, 4.842, 12).errorBound(),
        "on this range the even fit is no worse than the full one of the same degree");
    assertEquals(4, PolynomialEvaluator.depth(s));
    // degree 15 asked: the even fit of degree 14 at 4 levels, within twice the full fit's error (which needs 5)
    ChebyshevSeries fifteen = HeadCircuit.fitActivation(Gelu::apply, -4.257, 4.842, 15);
    assertEquals(14, fifteen.degree());
    assertEquals(4, PolynomialEvaluator.depth(fifteen));
  }

  @Test
  void aLopsidedRangeOrANonLinearOddPartKeepsTheFullSeries() {
    ChebyshevSeries lopsided = HeadCircuit.fitActivation(Gelu::apply, 0.5, 5, 12);
    assertFalse(lopsided.isLinearPlusEven(), "the hull [-5, 5] would double the interval");
    assertEquals(0.5, lopsided.lo(), 0.0);
    ChebyshevSeries tanh = HeadCircuit.fitActivation(Math::tanh, -3, 3, 12);
    assertFalse(tanh.isLinearPlusEven());
    assertEquals(12, tanh.degree());
    ChebyshevSeries relu = HeadCircuit.fitActivation(x -> Math.max(0, x), -2, 2.5, 12);
    assertTrue(relu.isLinearPlusEven(), "ReLU = x/2 + |x|/2");
  }

  @Test
  void aToleranceChoosesTheLowestDegreeThatMeetsIt() {
    Approximation.Fit fit = new Approximation.Fit(27, 2e-3, 0.1);
    ChebyshevSeries s = fit.choose(d -> ChebyshevSeries.fit(HeadCircuit::sigmoid, -6.3, 7.2, d));
    assertTrue(s.errorBound() <= 2e-3, "meets the tolerance: " + s.errorBound());
    assertTrue(ChebyshevSeries.fit(HeadCircuit::sigmoid, -6.3, 7.2, s.degree() - 1).errorBound() > 2e-3,
        "one degree less would not: degree " + s.degree());
    assertTrue(s.degree() < 27);
    // out of reach: the cap; no tolerance: exactly the degree
    assertEquals(27, new Approximation.Fit(27, 1e-12, 0.1)
        .choose(d -> ChebyshevSeries.fit(HeadCircuit::sigmoid, -6.3, 7.2, d)).degree());
    assertEquals(9, fit.withDegree(9).choose(d -> ChebyshevSeries.fit(HeadCircuit::sigmoid, -6.3, 7.2, d)).degree());
    double[] widened = fit.widen(-1, 3);
    assertEquals(-1.4, widened[0], 1e-12);
    assertEquals(3.4, widened[1], 1e-12);
  }
}
