package dev.hnn.model.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.hnn.data.LabeledSentence;
import dev.hnn.data.SharedData;
import dev.hnn.data.Sst2Reader;
import dev.hnn.model.MiniLm;
import dev.hnn.model.SentenceEncoder;
import dev.hnn.nn.Matrix;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our Java forward pass of all-MiniLM-L6-v2 against ONNX Runtime running the very same ONNX file:
 * the encoder outputs (last hidden state, every token, every dimension) must agree to 1e-4 on
 * 100 SST-2 sentences.
 */
class OnnxRuntimeAgreementTest {

    @Test
    void javaEncoderMatchesOnnxRuntimeOn100Sst2Sentences() throws Exception {
        List<LabeledSentence> all = Sst2Reader.read(SharedData.sst2Train());
        // 100 sentences spread over the file, longest ones included via the stride
        int stride = all.size() / 100;
        byte[] model;
        try (InputStream in = OnnxRuntimeAgreementTest.class.getResourceAsStream(MiniLmLoader.ONNX_RESOURCE)) {
            model = in.readAllBytes();
        }
        double worst = 0;
        int tokens = 0;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (SentenceEncoder enc = MiniLm.load();
             OrtSession session = env.createSession(model, new OrtSession.SessionOptions())) {
            for (int s = 0; s < 100; s++) {
                String text = all.get(s * stride).text();
                int[] ids = enc.tokenizer().encode(text);
                long[][] idsL = new long[1][ids.length];
                long[][] mask = new long[1][ids.length];
                long[][] types = new long[1][ids.length];
                for (int i = 0; i < ids.length; i++) {
                    idsL[0][i] = ids[i];
                    mask[0][i] = 1;
                }
                Matrix ours = enc.encoder().forward(ids);
                try (OnnxTensor a = OnnxTensor.createTensor(env, idsL);
                     OnnxTensor b = OnnxTensor.createTensor(env, mask);
                     OnnxTensor c = OnnxTensor.createTensor(env, types);
                     OrtSession.Result r = session.run(Map.of("input_ids", a, "attention_mask", b, "token_type_ids", c))) {
                    float[][][] ref = (float[][][]) r.get(0).getValue();
                    assertEquals(ids.length, ref[0].length);
                    assertEquals(ours.cols(), ref[0][0].length);
                    for (int t = 0; t < ids.length; t++) {
                        for (int d = 0; d < ours.cols(); d++) {
                            worst = Math.max(worst, Math.abs(ours.get(t, d) - ref[0][t][d]));
                        }
                    }
                    tokens += ids.length;
                }
            }
        }
        System.out.printf("ORT agreement: %d tokens, max |diff| = %.3g%n", tokens, worst);
        assertTrue(tokens > 200, "sentences were tokenized");
        assertTrue(worst <= 1e-4, "max abs difference " + worst + " > 1e-4");
    }
}
