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
}
