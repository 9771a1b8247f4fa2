package dev.hnn.text;

import dev.hnn.model.onnx.MiniLmLoader;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DJL tokenizer loads its bundled native library and the local tokenizer.json, offline. */
class TokenizerOfflineTest {

    @Test
    void djlJarBundlesTheLinuxNativeLibrary() throws Exception {
        var src = ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.class.getProtectionDomain().getCodeSource();
        assertNotNull(src, "DJL tokenizers jar location");
        boolean found = false;
        try (InputStream in = src.getLocation().openStream(); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                found |= e.getName().equals("native/lib/linux-x86_64/cpu/libtokenizers.so");
            }
        }
        assertTrue(found, "libtokenizers.so for linux-x86_64 inside " + src.getLocation());
    }

    @Test
    void tokenizesOfflineWithWordPieceAndSpecialTokens() throws Exception {
        try (TextTokenizer tok = TextTokenizer.fromResource(MiniLmLoader.TOKENIZER_RESOURCE, 128)) {
            assertEquals("true", System.getProperty(Offline.DJL_OFFLINE), "DJL offline mode is on");
            String[] tokens = tok.tokens("Unbelievably GOOD movie!");
            assertEquals("[CLS]", tokens[0]);
            assertEquals("[SEP]", tokens[tokens.length - 1]);
            assertTrue(String.join(" ", tokens).contains("good"), "lower-cased: " + String.join(" ", tokens));
            assertTrue(String.join(" ", tokens).contains("##"), "word pieces: " + String.join(" ", tokens));
            int[] ids = tok.encode("hello world");
            assertArrayEquals(new int[] {101, 7592, 2088, 102}, ids); // bert-base-uncased vocabulary ids
            // no padding, truncation at max length
            assertEquals(128, tok.encode("word ".repeat(500)).length);
        }
    }
}
