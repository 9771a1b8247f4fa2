package dev.hnn.model.distilbert;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.util.List;

/**
 * Builds a Hugging Face {@code tokenizer.json} for an uncased BERT WordPiece vocabulary
 * ({@code vocab.txt}, one token per line, id = line number), so checkpoints that ship only
 * {@code vocab.txt} tokenize with the same Rust tokenizer: BertNormalizer, BertPreTokenizer, WordPiece,
 * and the {@code [CLS] A [SEP]} template.
 */
public final class WordPieceTokenizerJson {
    private WordPieceTokenizerJson() {
    }

    public static String fromVocab(List<String> vocabLines, boolean lowercase) {
        JsonObject vocab = new JsonObject();
        for (int i = 0; i < vocabLines.size(); i++) {
            String tok = vocabLines.get(i).strip();
            if (!tok.isEmpty() && !vocab.has(tok)) {
                vocab.addProperty(tok, i);
            }
        }
        for (String req : List.of("[UNK]", "[CLS]", "[SEP]")) {
            if (!vocab.has(req)) {
                throw new IllegalArgumentException("vocab.txt lacks " + req);
            }
        }
        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("truncation", null);
        root.add("padding", null);
        JsonArray added = new JsonArray();
        for (String sp : List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")) {
            if (vocab.has(sp)) {
                JsonObject a = new JsonObject();
                a.addProperty("id", vocab.get(sp).getAsInt());
                a.addProperty("content", sp);
                a.addProperty("single_word", false);
                a.addProperty("lstrip", false);
                a.addProperty("rstrip", false);
                a.addProperty("normalized", false);
                a.addProperty("special", true);
                added.add(a);
            }
        }
        root.add("added_tokens", added);
        JsonObject norm = new JsonObject();
        norm.addProperty("type", "BertNormalizer");
        norm.addProperty("clean_text", true);
        norm.addProperty("handle_chinese_chars", true);
        norm.add("strip_accents", null);
        norm.addProperty("lowercase", lowercase);
        root.add("normalizer", norm);
        JsonObject pre = new JsonObject();
        pre.addProperty("type", "BertPreTokenizer");
        root.add("pre_tokenizer", pre);
        JsonObject post = new JsonObject();
        post.addProperty("type", "TemplateProcessing");
        post.add("single", template(false));
        post.add("pair", template(true));
        JsonObject specials = new JsonObject();
        for (String sp : List.of("[CLS]", "[SEP]")) {
            JsonObject s = new JsonObject();
            s.addProperty("id", sp);
            JsonArray ids = new JsonArray();
            ids.add(vocab.get(sp).getAsInt());
            s.add("ids", ids);
            JsonArray toks = new JsonArray();
            toks.add(sp);
            s.add("tokens", toks);
            specials.add(sp, s);
        }
        post.add("special_tokens", specials);
        root.add("post_processor", post);
        JsonObject dec = new JsonObject();
        dec.addProperty("type", "WordPiece");
        dec.addProperty("prefix", "##");
        dec.addProperty("cleanup", true);
        root.add("decoder", dec);
        JsonObject model = new JsonObject();
        model.addProperty("type", "WordPiece");
        model.addProperty("unk_token", "[UNK]");
        model.addProperty("continuing_subword_prefix", "##");
        model.addProperty("max_input_chars_per_word", 100);
        model.add("vocab", vocab);
        root.add("model", model);
        return root.toString();
    }

    private static JsonArray template(boolean pair) {
        JsonArray t = new JsonArray();
        t.add(special("[CLS]", 0));
        t.add(sequence("A", 0));
        t.add(special("[SEP]", 0));
        if (pair) {
            t.add(sequence("B", 1));
            t.add(special("[SEP]", 1));
        }
        return t;
    }

    private static JsonObject special(String id, int type) {
        JsonObject o = new JsonObject();
        JsonObject s = new JsonObject();
        s.addProperty("id", id);
        s.addProperty("type_id", type);
        o.add("SpecialToken", s);
        return o;
    }

    private static JsonObject sequence(String id, int type) {
        JsonObject o = new JsonObject();
        JsonObject s = new JsonObject();
        s.addProperty("id", id);
        s.addProperty("type_id", type);
        o.add("Sequence", s);
        return o;
    }
}
