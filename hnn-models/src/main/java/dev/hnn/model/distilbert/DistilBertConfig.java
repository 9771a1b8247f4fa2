package dev.hnn.model.distilbert;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The keys of a Hugging Face DistilBERT {@code config.json} that the forward pass needs. */
public record DistilBertConfig(String name, int dim, int layers, int heads, int hiddenDim, int maxPositions,
                               int vocabSize, String activation, boolean sinusoidal, List<String> labels) {

    public static DistilBertConfig read(Path configJson) throws IOException {
        JsonObject c = JsonParser.parseString(Files.readString(configJson, StandardCharsets.UTF_8)).getAsJsonObject();
        if (c.has("model_type") && !c.get("model_type").getAsString().equals("distilbert")) {
            throw new IOException(configJson + ": model_type is " + c.get("model_type").getAsString() + ", not distilbert");
        }
        List<String> labels = new ArrayList<>();
        if (c.has("id2label")) {
            JsonObject m = c.getAsJsonObject("id2label");
            for (int i = 0; m.has(Integer.toString(i)); i++) {
                labels.add(m.get(Integer.toString(i)).getAsString());
            }
        }
        String name = c.has("_name_or_path") ? c.get("_name_or_path").getAsString() : configJson.getParent().toString();
        DistilBertConfig cfg = new DistilBertConfig(name, c.get("dim").getAsInt(), c.get("n_layers").getAsInt(),
                c.get("n_heads").getAsInt(), c.get("hidden_dim").getAsInt(), c.get("max_position_embeddings").getAsInt(),
                c.get("vocab_size").getAsInt(), c.has("activation") ? c.get("activation").getAsString() : "gelu",
                c.has("sinusoidal_pos_embds") && c.get("sinusoidal_pos_embds").getAsBoolean(), List.copyOf(labels));
        if (!cfg.activation().equals("gelu")) {
            throw new IOException("only the gelu activation is supported, config has " + cfg.activation());
        }
        return cfg;
    }
}
