package dev.hnn.encoder;

import dev.hnn.head.SentimentModel;
import dev.hnn.model.SentenceEncoder;
import dev.hnn.model.TransformerEncoder;

import java.nio.file.Path;

/** Prints the LayerNorm input variance per layer and token of the calibration sentences (range design aid). */
public final class VarianceProbe {
  public static void main(String[] args) throws Exception {
    SentimentModel model = SentimentModel.fromDeltaFile(Path.of(args[0]));
    TransformerEncoder w = model.encoderWeights();
    var forms = EncryptedEncoder.forms(w);
    try (SentenceEncoder se = model.openEncoder()) {
      for (String s : EncoderSession.CALIBRATION.subList(0, 6)) {
        int[] ids = se.tokenizer().encode(s);
        PlainTrace tr = PlainTrace.run(forms, EncryptedEncoder.toDouble(w.embeddings().forward(ids)));
        System.out.println(s);
        for (int l = 0; l < forms.size(); l++) {
          StringBuilder sb = new StringBuilder("  L" + l + " v1:");
          for (double v : tr.layers().get(l).variance1()) sb.append(String.format(" %.3g", v));
          sb.append(" | v2:");
          for (double v : tr.layers().get(l).variance2()) sb.append(String.format(" %.3g", v));
          System.out.println(sb);
        }
      }
    }
  }
}
