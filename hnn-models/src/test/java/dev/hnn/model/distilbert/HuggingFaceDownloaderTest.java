package dev.hnn.model.distilbert;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** URL layout only: the download itself needs the hub, which tests never contact. */
class HuggingFaceDownloaderTest {
    @Test
    void resolvesFileUrls() {
        HuggingFaceDownloader d = new HuggingFaceDownloader("https://huggingface.co/");
        assertEquals("https://huggingface.co/distilbert-base-uncased-finetuned-sst-2-english/resolve/main/model.safetensors",
                d.url("distilbert-base-uncased-finetuned-sst-2-english", "main", "model.safetensors").toString());
    }
}
