package dev.hnn.cli;

import dev.hnn.model.distilbert.HuggingFaceDownloader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code hnn download MODEL}: fetches a Hugging Face checkpoint directory (needs internet access). */
@Command(name = "download", mixinStandardHelpOptions = true,
        description = "Download a Hugging Face checkpoint (config.json, model.safetensors, tokenizer files).")
public final class DownloadCommand implements Callable<Integer> {

    @Parameters(index = "0", defaultValue = "distilbert-base-uncased-finetuned-sst-2-english",
            description = "Model id on the hub (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--revision", defaultValue = "main", description = "Revision (default: ${DEFAULT-VALUE}).")
    String revision;

    @Option(names = "--dir", paramLabel = "DIR", description = "Target directory (default: models/<model id>).")
    Path dir;

    @Option(names = "--endpoint", defaultValue = "https://huggingface.co", description = "Hub endpoint (default: ${DEFAULT-VALUE}).")
    String endpoint;

    @Override
    public Integer call() throws Exception {
        Path target = dir != null ? dir : Path.of("models", model.replace('/', '_'));
        new HuggingFaceDownloader(endpoint).download(model, revision, target, System.out);
        System.out.println("saved to " + target);
        return 0;
    }
}
