package dev.hnn.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the SST-2 TSV format: a header line, then {@code sentence<TAB>label} (0/1). */
public final class Sst2Reader {
    private Sst2Reader() {
    }

    public static List<LabeledSentence> read(Path tsv) throws IOException {
        List<LabeledSentence> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(tsv, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            if (header == null) {
                return out;
            }
            String line;
            int lineNo = 1;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                int tab = line.lastIndexOf('\t');
                if (tab < 0) {
                    throw new IOException(tsv + ":" + lineNo + ": expected sentence<TAB>label");
                }
                String label = line.substring(tab + 1).trim();
                if (!label.equals("0") && !label.equals("1")) {
                    throw new IOException(tsv + ":" + lineNo + ": label must be 0 or 1, got '" + label + "'");
                }
                out.add(new LabeledSentence(line.substring(0, tab).trim(), Integer.parseInt(label)));
            }
        }
        return out;
    }
}
