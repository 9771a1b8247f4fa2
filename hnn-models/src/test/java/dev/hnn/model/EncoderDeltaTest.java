package dev.hnn.model;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The delta file format: round trip, and every malformed file rejected with an IOException before allocation. */
class EncoderDeltaTest {
    static EncoderDelta sample() {
        Map<String, EncoderDelta.Tensor> t = new LinkedHashMap<>();
        Random r = new Random(3);
        float[] a = new float[6];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
        }
        t.put("layer0.q.lora_a", new EncoderDelta.Tensor(new int[] {3, 2}, a));
        t.put("head.b2", new EncoderDelta.Tensor(new int[] {2}, new float[] {0.5f, -0.25f}));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("name", "sample");
        meta.put("variant", "stock");
        return new EncoderDelta(meta, t);
    }

    @Test
    void roundTrip() throws IOException {
        EncoderDelta d = sample();
        EncoderDelta back = EncoderDelta.read(new ByteArrayInputStream(d.toBytes()));
        assertEquals("sample", back.metadata().get("name"));
        assertEquals(d.tensors().keySet(), back.tensors().keySet());
        for (String k : d.tensors().keySet()) {
            assertArrayEquals(d.tensor(k).values(), back.tensor(k).values());
            assertArrayEquals(d.tensor(k).shape(), back.tensor(k).shape());
        }
        assertArrayEquals(d.toBytes(), back.toBytes(), "re-encoding gives the same bytes");
    }

    @Test
    void rejectsMalformedFiles() {
        byte[] good = sample().toBytes();
        for (int cut = 0; cut < good.length; cut += Math.max(1, good.length / 97)) {
            byte[] truncated = Arrays.copyOf(good, cut);
            assertThrows(IOException.class, () -> EncoderDelta.read(new ByteArrayInputStream(truncated)), "cut " + cut);
        }
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertThrows(IOException.class, () -> EncoderDelta.read(new ByteArrayInputStream(trailing)));
        byte[] magic = good.clone();
        magic[0] ^= 1;
        assertThrows(IOException.class, () -> EncoderDelta.read(new ByteArrayInputStream(magic)));
        byte[] huge = good.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(12, Integer.MAX_VALUE);
        IOException e = assertThrows(IOException.class, () -> EncoderDelta.read(new ByteArrayInputStream(huge)));
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
        byte[] nan = good.clone();
        ByteBuffer.wrap(nan).order(ByteOrder.LITTLE_ENDIAN).putFloat(good.length - 4, Float.NaN);
        assertThrows(IOException.class, () -> EncoderDelta.read(new ByteArrayInputStream(nan)));
    }

    @Test
    void rejectsShapesThatDoNotMatchTheValues() {
        assertThrows(IllegalArgumentException.class, () -> new EncoderDelta.Tensor(new int[] {2, 2}, new float[3]));
        assertThrows(IllegalArgumentException.class, () -> new EncoderDelta.Tensor(new int[] {0}, new float[0]));
    }
}
