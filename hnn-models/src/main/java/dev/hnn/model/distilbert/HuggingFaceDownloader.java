package dev.hnn.model.distilbert;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

/**
 * Downloads a checkpoint directory from the Hugging Face hub over HTTPS
 * ({@code {endpoint}/{model}/resolve/{revision}/{file}}), following redirects to the CDN. Needs internet
 * access, which the project's build and test machines do not have: no test calls it.
 */
public final class HuggingFaceDownloader {
    /** Files fetched, and whether each is required. */
    static final List<String> REQUIRED = List.of("config.json", "model.safetensors");
    static final List<String> OPTIONAL = List.of("tokenizer.json", "vocab.txt", "tokenizer_config.json");

    private final String endpoint;
    private final HttpClient http;

    public HuggingFaceDownloader(String endpoint) {
        this.endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20)).build();
    }

    /** The URL of one file of a model revision. */
    public URI url(String model, String revision, String file) {
        return URI.create(endpoint + "/" + model + "/resolve/" + revision + "/" + file);
    }

    public void download(String model, String revision, Path dir, PrintStream log) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        for (String f : REQUIRED) {
            if (!fetch(url(model, revision, f), dir.resolve(f), log)) {
                throw new IOException("required file " + f + " not found for " + model + "@" + revision);
            }
        }
        boolean tokenizer = false;
        for (String f : OPTIONAL) {
            tokenizer |= fetch(url(model, revision, f), dir.resolve(f), log) && !f.equals("tokenizer_config.json");
        }
        if (!tokenizer) {
            throw new IOException(model + " has neither tokenizer.json nor vocab.txt");
        }
    }

    /** Downloads to a temp file then moves it in place; false on HTTP 404. */
    private boolean fetch(URI url, Path target, PrintStream log) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(30))
                .header("User-Agent", "hnn/0.1").GET().build();
        Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), target.getFileName().toString(), ".part");
        try {
            HttpResponse<Path> resp = http.send(req, HttpResponse.BodyHandlers.ofFile(tmp));
            if (resp.statusCode() == 404) {
                log.println("  (absent) " + url);
                return false;
            }
            if (resp.statusCode() / 100 != 2) {
                throw new IOException("HTTP " + resp.statusCode() + " for " + url);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            log.printf("  %s (%d bytes)%n", target.getFileName(), Files.size(target));
            return true;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
