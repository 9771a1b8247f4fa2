package dev.hnn.service;

import dev.hnn.ckks.CkksParameters;
import dev.hnn.encoder.CircuitRanges;
import dev.hnn.encoder.EncoderSpec;
import dev.hnn.encoder.EncryptedEncoder;
import dev.hnn.encoder.HeadSpec;
import dev.hnn.inference.HeadCircuit;
import dev.hnn.inference.ServiceSpec;
import dev.hnn.model.TransformerEncoder;

import java.util.Objects;

/** What a server runs: the encrypted head of a model, the encrypted encoder of an HE-form model, or both. */
public final class Offerings {
  private Offerings() {}

  /** The encrypted head (the {@code Classify} call): its circuit and the service spec clients make keys for. */
  public record Head(String model, HeadCircuit circuit, ServiceSpec spec) {
    public Head {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(circuit, "circuit");
      Objects.requireNonNull(spec, "spec");
    }
  }

  /** The encrypted encoder (the {@code EncryptedEncoderSession} call) of an HE-form model. */
  public record Encoder(String model, TransformerEncoder weights, HeadSpec head, CircuitRanges ranges,
      EncryptedEncoder.Options options, CkksParameters parameters) {
    public Encoder {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(weights, "weights");
      Objects.requireNonNull(head, "head");
      Objects.requireNonNull(ranges, "ranges");
      Objects.requireNonNull(options, "options");
      Objects.requireNonNull(parameters, "parameters");
    }

    public EncoderSpec spec() {
      return EncryptedEncoder.spec(weights, head, options, parameters);
    }
  }
}
